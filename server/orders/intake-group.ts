import "server-only";

/** How one member of a group came out: its own answer or its own error. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Group commit for intake (decision 023): while `maxInFlight` groups are in their transactions,
 * requests that arrive wait and then go together, up to `maxSize`, in the next one. With a
 * free slot a request starts at once (a group of one), so an idle process adds no latency; under
 * load the groups grow by themselves and the round trips and commits per order shrink.
 *
 * `run` settles every member on its own. If it throws for the whole group, `whenGroupFails`
 * decides what each member gets (intake: each run again alone, so one request whose data
 * breaks the shared statement cannot fail the others).
 */
export class IntakeGroup<T, R> {
  private readonly waiting: { item: T; resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];
  private inFlight = 0;

  constructor(
    private readonly run: (items: T[]) => Promise<Settled<R>[]>,
    private readonly whenGroupFails: (items: T[], error: unknown) => Promise<Settled<R>[]>,
    private readonly maxInFlight: number,
    private readonly maxSize: number,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.startGroups();
    });
  }

  private startGroups(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const members = this.waiting.splice(0, this.maxSize);
      this.inFlight++;
      void this.settle(members).finally(() => {
        this.inFlight--;
        this.startGroups();
      });
    }
  }

  private async settle(members: typeof this.waiting): Promise<void> {
    const items = members.map((m) => m.item);
    let settled: Settled<R>[];
    try {
      settled = await this.run(items);
    } catch (error) {
      settled = await this.whenGroupFails(items, error).catch((err: unknown) => items.map(() => ({ ok: false, error: err }) as const));
    }
    members.forEach((member, i) => {
      const outcome = settled[i]!;
      if (outcome.ok) member.resolve(outcome.value);
      else member.reject(outcome.error);
    });
  }
}
