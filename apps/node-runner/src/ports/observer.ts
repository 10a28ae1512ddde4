/** What a feed observes: its pair, scaled to the feed's decimals. */
export interface ObservationRequest {
  /** "BASE/QUOTE", as in the configuration. */
  readonly pair: string;
  /** The on-chain answer is the price times 10^decimals. */
  readonly decimals: number;
}

/** The data source of the oracles. */
export interface Observer {
  /** The price as an int192, or undefined when there is none (source down, timeout, unknown pair). Never throws. */
  observe(request: ObservationRequest): Promise<bigint | undefined>;
}
