import "server-only";
import { loggerFor } from "@/server/logging/logger";

const webhookLog = loggerFor("webhooks");

/** At most one log line per this period, however many deliveries are refused. */
const LOG_EVERY_MS = 60_000;

/**
 * Deliveries to /webhooks/payments refused for their signature (missing, wrong, or out of
 * the timestamp window). Such a request is anybody's, so nothing of it is stored (it could
 * name any order, and the log is shown on that order's timeline): it is counted, and logged
 * as one line per minute with the count and the latest reason and address, so a flood costs
 * neither rows nor log volume. Per web process, since it started.
 */
export class RefusedWebhooks {
  private refused = 0;
  private sinceLogged = 0;
  private loggedAt = -Infinity;

  constructor(private readonly log: (line: string) => void = (line) => webhookLog.warn(line)) {}

  record(reason: string, address: string, now = Date.now()): void {
    this.refused++;
    this.sinceLogged++;
    if (now - this.loggedAt < LOG_EVERY_MS) return;
    this.log(`refused ${this.sinceLogged} unsigned or badly signed deliver${this.sinceLogged === 1 ? "y" : "ies"} (${this.refused} since start); latest from ${address}: ${reason}`);
    this.loggedAt = now;
    this.sinceLogged = 0;
  }

  get count(): number {
    return this.refused;
  }
}
