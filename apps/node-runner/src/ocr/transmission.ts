import type { Result } from '@oracle/core';
import { requestChainRead } from './chain-reads.js';
import { compareEpochRound, isBefore, sameEpochRound } from './epoch-round.js';
import type { LatestTransmission, OcrEvent } from './events.js';
import type { Timer } from './effects.js';
import { applyGuard } from './guard.js';
import { deviates } from './median-plugin.js';
import { median, type AttestedReport } from './observation.js';
import type { Scope } from './scope.js';
import type { ChainReadPurpose, OcrState, PendingTransmission } from './state.js';

/**
 * Transmission (ocr1.md §14, libocr `transmission.go`): take a finalized report only if the
 * contract and this node's last accepted report are older, wait for this node's stage, read the
 * contract again, and transmit only if it has still not moved past the report.
 */

type ChainStateRead = Extract<OcrEvent, { type: 'ChainStateRead' }>;
type TransmitResult = Extract<OcrEvent, { type: 'TransmitResult' }>;

/** Re-queues restored pending transmissions: every future one and only the newest overdue one. */
export function restoreTransmissions(
  state: OcrState,
  pending: readonly PendingTransmission[],
  scope: Scope,
): OcrState {
  const future = pending.filter((p) => p.transmitAtMs > scope.nowMs);
  const overdue = pending.filter((p) => p.transmitAtMs <= scope.nowMs).sort(compareEpochRound);
  const newestOverdue = overdue.at(-1);
  const kept = newestOverdue ? [...future, newestOverdue] : future;
  for (const p of kept) {
    const afterMs = Math.max(0, p.transmitAtMs - scope.nowMs);
    scope.emit({ type: 'SetTimer', timer: { kind: 'transmit', epoch: p.epoch, round: p.round }, afterMs });
  }
  if (pending.length > 0)
    scope.log('info', 'Restored pending transmissions', { restored: pending.length, kept: kept.length });
  return { ...state, transmission: { ...state.transmission, pending: kept } };
}

export function onReportFinalized(
  state: OcrState,
  epoch: number,
  round: number,
  report: AttestedReport,
  scope: Scope,
): OcrState {
  return requestChainRead(state, { kind: 'acceptReport', epoch, round, report }, scope);
}

export function onAcceptReportRead(
  state: OcrState,
  purpose: Extract<ChainReadPurpose, { kind: 'acceptReport' }>,
  event: ChainStateRead,
  scope: Scope,
): OcrState {
  const { epoch, round, report } = purpose;
  const fields = { epoch, round };
  const contract = checkContract(state, event.latestTransmission, purpose);
  if (!contract.ok) {
    scope.log('info', 'Not transmitting report', { ...fields, reason: contract.error });
    return state;
  }
  const latest = contract.value;
  const reportMedian = median(report.observations);
  const guarded = applyGuard(state, reportMedian, latest, scope, false);
  if (guarded.held) {
    scope.log('warn', 'Not transmitting report: the feed guard holds it', { ...fields, guard: guarded.held });
    return guarded.state;
  }
  const accepted = state.transmission.latestAccepted;
  if (accepted) {
    if (!isBefore(accepted, purpose)) {
      scope.log('debug', 'Not transmitting report: not newer than the last accepted one', fields);
      return state;
    }
    const deviation = deviates(accepted.median, reportMedian, state.config.alphaPpb);
    const caughtUp = !isBefore(latest, accepted);
    if (!deviation && !caughtUp) {
      scope.log(
        'debug',
        'Not transmitting report: the last accepted one is in flight and the median barely moved',
        fields,
      );
      return state;
    }
  }
  const next: OcrState = {
    ...state,
    transmission: { ...state.transmission, latestAccepted: { epoch, round, median: reportMedian } },
  };
  const delayMs = scope.ctx.transmissionDelayMs(epoch, round);
  if (delayMs === undefined) {
    scope.log('debug', 'Report accepted; this node has no transmission stage for it', fields);
    return next;
  }
  const transmission: PendingTransmission = {
    epoch,
    round,
    transmitAtMs: scope.nowMs + delayMs,
    median: reportMedian,
    report,
  };
  scope.emit({ type: 'SetTimer', timer: { kind: 'transmit', epoch, round }, afterMs: delayMs });
  scope.log('info', 'Report accepted for transmission', {
    ...fields,
    delayMs,
    median: reportMedian.toString(),
  });
  return {
    ...next,
    transmission: { ...next.transmission, pending: [...next.transmission.pending, transmission] },
  };
}

export function onTransmitTimer(
  state: OcrState,
  timer: Extract<Timer, { kind: 'transmit' }>,
  scope: Scope,
): OcrState {
  const pending = state.transmission.pending;
  const transmission = pending.find((p) => sameEpochRound(p, timer));
  if (!transmission) return state;
  const next: OcrState = {
    ...state,
    transmission: { ...state.transmission, pending: pending.filter((p) => p !== transmission) },
  };
  return requestChainRead(next, { kind: 'recheckTransmission', transmission }, scope);
}

export function onRecheckRead(
  state: OcrState,
  purpose: Extract<ChainReadPurpose, { kind: 'recheckTransmission' }>,
  event: ChainStateRead,
  scope: Scope,
): OcrState {
  const { epoch, round, median: reportMedian, report } = purpose.transmission;
  const contract = checkContract(state, event.latestTransmission, purpose.transmission);
  if (!contract.ok) {
    scope.log('info', 'Not transmitting report', { epoch, round, reason: contract.error });
    return state;
  }
  const guarded = applyGuard(state, reportMedian, contract.value, scope, false);
  if (guarded.held) {
    scope.log('warn', 'Not transmitting report: the feed guard holds it', {
      epoch,
      round,
      guard: guarded.held,
    });
    return guarded.state;
  }
  scope.emit({ type: 'Transmit', epoch, round, median: reportMedian, report });
  scope.log('info', 'Transmitting report', { epoch, round, median: reportMedian.toString() });
  return state;
}

export function onTransmitResult(state: OcrState, event: TransmitResult, scope: Scope): OcrState {
  const fields = { epoch: event.epoch, round: event.round };
  if (event.ok) scope.log('info', 'Report transmitted', fields);
  else scope.log('warn', 'Transmission failed', { ...fields, error: event.error ?? 'unknown' });
  return state;
}

/** The contract's state, if it still lacks this report: same config digest and an older (epoch, round). */
function checkContract(
  state: OcrState,
  latest: LatestTransmission | 'timeout',
  report: { readonly epoch: number; readonly round: number },
): Result<LatestTransmission, string> {
  if (latest === 'timeout') return { ok: false, error: 'contract read timed out' };
  if (latest.configDigest !== state.config.configDigest)
    return { ok: false, error: 'contract has another config digest' };
  if (!isBefore(latest, report)) return { ok: false, error: 'contract already has this or a later round' };
  return { ok: true, value: latest };
}
