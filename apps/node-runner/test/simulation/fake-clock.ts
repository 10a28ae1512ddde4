interface Task {
  readonly atMs: number;
  readonly seq: number;
  readonly run: () => void;
  cancelled: boolean;
}

export interface Scheduled {
  cancel(): void;
}

/** Virtual time: tasks run in (time, scheduling order), and time jumps from one task to the next. */
export class FakeClock {
  private heap: Task[] = [];
  private seq = 0;
  nowMs = 0;

  after(delayMs: number, run: () => void): Scheduled {
    const task: Task = { atMs: this.nowMs + Math.max(0, delayMs), seq: this.seq++, run, cancelled: false };
    this.push(task);
    return {
      cancel: () => {
        task.cancelled = true;
      },
    };
  }

  /** Runs every task due up to `endMs`, including tasks they schedule; leaves the clock at endMs. */
  runUntil(endMs: number): void {
    for (;;) {
      const next = this.heap[0];
      if (!next || next.atMs > endMs) break;
      this.pop();
      if (next.cancelled) continue;
      this.nowMs = next.atMs;
      next.run();
    }
    this.nowMs = endMs;
  }

  private before(a: Task, b: Task): boolean {
    return a.atMs !== b.atMs ? a.atMs < b.atMs : a.seq < b.seq;
  }

  private push(task: Task): void {
    const heap = this.heap;
    heap.push(task);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i] as Task, heap[parent] as Task)) break;
      [heap[i], heap[parent]] = [heap[parent] as Task, heap[i] as Task];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && this.before(heap[left] as Task, heap[smallest] as Task)) smallest = left;
      if (right < heap.length && this.before(heap[right] as Task, heap[smallest] as Task)) smallest = right;
      if (smallest === i) break;
      [heap[i], heap[smallest]] = [heap[smallest] as Task, heap[i] as Task];
      i = smallest;
    }
  }
}
