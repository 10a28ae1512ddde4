import { formatScaled } from '@oracle/core';

/**
 * A fixed-point value as a gauge sample: 6412350000000 with 8 decimals is 64123.5. Exact up to
 * the formatting; the float appears only at the metrics boundary.
 */
export function scaledToNumber(units: bigint, decimals: number): number {
  return Number(formatScaled(units, decimals));
}

/** The oracles a node of a config reaches: itself plus every other oracle it has an open connection to. */
export function oraclesConnected(
  configPeerIds: readonly string[],
  selfPeerId: string,
  connectedPeerIds: readonly string[],
): number {
  const connected = new Set(connectedPeerIds);
  return 1 + configPeerIds.filter((peerId) => peerId !== selfPeerId && connected.has(peerId)).length;
}

/** Oracles that must take part for a report: 2f+1. */
export function quorum(f: number): number {
  return 2 * f + 1;
}
