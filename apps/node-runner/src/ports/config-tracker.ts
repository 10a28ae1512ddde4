import type { PublicConfig } from '@oracle/evm';
import type { ContractConfig } from './store.js';

/** This node's place in a config it is an oracle of. */
export interface Membership {
  /** Its OracleID: its index in the config's signers. */
  readonly oracleId: number;
  /** The decrypted 16-byte shared secret, 0x-hex. Never logged. */
  readonly sharedSecret: string;
}

/** A contract config that passed every check (version, digest, public-config bounds, chain minimums, own keys). */
export interface AcceptedConfig {
  /** The feed's aggregator contract. */
  readonly contract: string;
  /** As read from the ConfigSet event, with its digest and block. */
  readonly raw: ContractConfig;
  readonly publicConfig: PublicConfig;
  /** Absent when this node is not one of the config's oracles (or is a bootstrap node). */
  readonly membership?: Membership;
}

/** Follows one feed contract's configuration and reports each new accepted config. */
export interface ConfigTracker {
  start(onConfig: (config: AcceptedConfig) => void): Promise<void>;
  stop(): Promise<void>;
  /** Checks the contract now (e.g. after a ConfigSet log arrived), instead of at the next poll. */
  pollNow(): void;
}
