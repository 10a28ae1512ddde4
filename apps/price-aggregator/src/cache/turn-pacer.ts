/**
 * Starts queued work one item per turn of the event loop. A refresh round starts up to a hundred
 * upstream requests at once; built back to back they would hold the loop for tens of milliseconds
 * while quote requests wait. Paced, every start lets the loop serve what arrived in between.
 */
export class TurnPacer {
  private readonly queue: Array<() => void> = [];
  private scheduled = false;

  /** Runs `start` on a later turn of the event loop, after everything queued before it. */
  run<T>(start: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => start().then(resolve, reject));
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.queue.shift()?.();
      if (this.queue.length > 0) this.schedule();
    });
  }
}
