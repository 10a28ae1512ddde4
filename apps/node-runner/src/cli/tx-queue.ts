import type { Signer, TransactionReceipt, TransactionRequest } from 'ethers';

/** Mining waits longer than this count as failed (the feed is retried from a fresh read). */
const RECEIPT_TIMEOUT_MS = 120_000;

/**
 * Sends one account's transactions one at a time, with nonces counted here, so many feeds can be
 * configured concurrently from the same owner or admin. A transaction that fails before it is
 * broadcast (a revert found by the gas estimate, an RPC error) does not use up its nonce; a nonce
 * the node already saw is re-read from the chain. Receipts are awaited outside the queue.
 */
export class TxQueue {
  readonly #signer: Signer;
  #tail: Promise<unknown> = Promise.resolve();
  #next: number | undefined;

  constructor(signer: Signer) {
    this.#signer = signer;
  }

  /** Sends and waits for the receipt; rejects on a revert (with the reason when the estimate found one). */
  async send(request: TransactionRequest): Promise<TransactionReceipt> {
    const sent = this.#tail.then(() => this.#broadcast(request));
    this.#tail = sent.catch(() => undefined);
    const response = await sent;
    const receipt = await response.wait(1, RECEIPT_TIMEOUT_MS);
    if (!receipt) throw new Error(`transaction ${response.hash} was not mined`);
    return receipt;
  }

  async #broadcast(request: TransactionRequest) {
    for (let attempt = 0; ; attempt++) {
      const nonce = this.#next ?? (await this.#signer.getNonce('pending'));
      try {
        const populated = await this.#signer.populateTransaction({ ...request, nonce });
        const response = await this.#signer.sendTransaction(populated);
        this.#next = nonce + 1;
        return response;
      } catch (error) {
        this.#next = undefined;
        const code = (error as { code?: string }).code;
        if (attempt === 0 && (code === 'NONCE_EXPIRED' || code === 'REPLACEMENT_UNDERPRICED')) continue;
        throw error;
      }
    }
  }
}
