/**
 * How many requests a simulated service serves at once. Requests beyond the capacity wait in
 * arrival order for a free slot — the queueing that turns a 200 ms spike in one service
 * into a multi-second answer for a caller that waits on the whole chain. Every call to a
 * simulated service (from the web, the workers and the payment provider's own chain) is
 * served by the one simulator process, so a per-process count is the count across every
 * process.
 */
export class ServiceCapacity {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private limit = 0;

  /** Waits for a slot under `limit` (0 = unlimited); returns the function that frees it. */
  async acquire(limit: number): Promise<() => void> {
    this.limit = limit;
    if (limit === 0 || (this.active < limit && this.waiting.length === 0)) {
      this.active++;
    } else {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.wakeWaiting();
    };
  }

  private wakeWaiting(): void {
    while (this.waiting.length > 0 && (this.limit === 0 || this.active < this.limit)) {
      this.active++;
      this.waiting.shift()!();
    }
  }
}
