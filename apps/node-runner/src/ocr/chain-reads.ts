import type { Scope } from './scope.js';
import type { ChainRead, ChainReadPurpose, OcrState } from './state.js';

/** Asks the runtime to read the contract and remembers why. */
export function requestChainRead(state: OcrState, purpose: ChainReadPurpose, scope: Scope): OcrState {
  const requestId = state.nextRequestId;
  scope.emit({ type: 'ReadChain', requestId });
  return {
    ...state,
    nextRequestId: requestId + 1,
    chainReads: [...state.chainReads, { requestId, purpose }],
  };
}

/** Removes and returns the read a ChainStateRead answers; undefined for an unknown or repeated answer. */
export function takeChainRead(
  state: OcrState,
  requestId: number,
): { state: OcrState; read: ChainRead } | undefined {
  const read = state.chainReads.find((r) => r.requestId === requestId);
  if (!read) return undefined;
  return { state: { ...state, chainReads: state.chainReads.filter((r) => r !== read) }, read };
}
