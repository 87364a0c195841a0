import "server-only";

/** Something that sends a heartbeat on each tick, e.g. an SSE stream. */
export type HeartbeatTarget = { heartbeat(): void };

/**
 * One timer per heartbeat period for the whole process, however many streams are open: a
 * stream joins the tick's set on open and leaves it on close. A per-stream setInterval would
 * cost a timer object, a closure and a wake-up per stream. A stream's first heartbeat thus
 * comes within one period of opening rather than exactly one period after; the contract only
 * bounds the gap (≤ 15 s).
 */
export class HeartbeatTicker {
  private readonly targets = new Set<HeartbeatTarget>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly periodMs: number) {}

  join(target: HeartbeatTarget): void {
    this.targets.add(target);
    // unref: open streams keep the server alive, not this timer.
    this.timer ??= setInterval(() => this.tick(), this.periodMs).unref();
  }

  leave(target: HeartbeatTarget): void {
    this.targets.delete(target);
    if (this.targets.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  get size(): number {
    return this.targets.size;
  }

  private tick(): void {
    for (const target of this.targets) target.heartbeat();
  }
}

/** The process's tickers, one per period (a process service: server/process-services.ts). */
export class HeartbeatTickers {
  private readonly byPeriod = new Map<number, HeartbeatTicker>();

  /** The shared ticker for this period. */
  every(periodMs: number): HeartbeatTicker {
    let ticker = this.byPeriod.get(periodMs);
    if (!ticker) this.byPeriod.set(periodMs, (ticker = new HeartbeatTicker(periodMs)));
    return ticker;
  }
}
