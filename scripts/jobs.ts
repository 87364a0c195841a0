/**
 * `npm run jobs -- dead-letters`: dead letters per step, with their count and the latest error.
 * `npm run jobs -- redrive [step]`: sends them (every step's, or one step's: `createShipment`
 * or `createShipment.dead`) back to their step with a fresh set of retries.
 * Uses DATABASE_URL, or the embedded Postgres of `npm run dev` when it is unset.
 */
import { PgBoss } from "pg-boss";
import { listDeadLetters, redriveDeadLetters } from "@/jobs/dead-letters";
import { sendOnlyBossOptions } from "@/jobs/boss";
import { QUEUED_STEPS, stepOfQueue } from "@/jobs/queues";
import { loadConfiguration, openDatabase } from "./process-startup";

const USAGE = "usage: npm run jobs -- dead-letters | redrive [step]";

async function main(): Promise<void> {
  const [command, stepName, ...rest] = process.argv.slice(2);
  const step = stepName === undefined ? undefined : stepOfQueue(stepName);
  if ((command !== "dead-letters" && command !== "redrive") || rest.length > 0 || (command === "dead-letters" && stepName !== undefined)) fail(USAGE);
  if (stepName !== undefined && !step) fail(`unknown step "${stepName}"; one of: ${QUEUED_STEPS.join(", ")}`);

  const database = await openDatabase(loadConfiguration("jobs"));
  const boss = new PgBoss(sendOnlyBossOptions(database.url, "conveyor-jobs-cli"));
  boss.on("error", (err: Error) => console.error("[jobs] pg-boss error:", err.message));
  await boss.start();
  try {
    if (command === "dead-letters") printDeadLetters(await listDeadLetters(boss));
    else printRedriven(await redriveDeadLetters(boss, step));
  } finally {
    await boss.stop({ graceful: false });
    await database.stop();
  }
}

function printDeadLetters(groups: Awaited<ReturnType<typeof listDeadLetters>>): void {
  const width = Math.max(...groups.map((g) => g.step.length));
  for (const group of groups) {
    const last = group.count > 0 ? `  last ${group.lastDeadAt?.toISOString()}: ${group.lastError ?? "(no error recorded)"}` : "";
    console.log(`${group.step.padEnd(width)}  ${String(group.count).padStart(5)}${last}`);
  }
  console.log(`${"total".padEnd(width)}  ${String(groups.reduce((sum, g) => sum + g.count, 0)).padStart(5)}`);
}

function printRedriven(moved: Record<string, number>): void {
  const entries = Object.entries(moved);
  for (const [step, count] of entries) console.log(`redrove ${count} dead letter${count === 1 ? "" : "s"} to ${step}`);
  if (entries.length === 0) console.log("no dead letters to redrive");
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

main().catch((err) => {
  console.error("[jobs]", err instanceof Error ? err.message : err);
  process.exit(1);
});
