/**
 * CPU time of the app's processes, from /proc (Linux): utime + stime of every process of
 * the stack — each child the launcher started and everything those started in turn — and
 * of the Postgres backends serving the benchmark's database, when that server runs on this
 * machine (its backends then show up in /proc). Postgres's shared background processes
 * (WAL writer, checkpointer …) serve every database on the server, so they are left out.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import type pg from "pg";

export type ProcessGroup = "web" | "workers" | "simulators" | "postgres";
type ProcessRef = { pid: number; group: ProcessGroup };
/** CPU seconds by process (keyed by pid and start time, so a reused pid is not mistaken for the old one). */
export type CpuSnapshot = Map<string, { group: ProcessGroup; seconds: number }>;
export type CpuUsage = { total_s: number; by_group_s: Record<ProcessGroup, number>; postgres_backends: number };

const CLOCK_TICKS = clockTicksPerSecond();

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined; // exited, or not ours to read
  }
}

// Indexes into statFields(): field 4 (ppid) is [1], 14/15 (utime/stime) are [11]/[12], 22 (starttime) is [19].
const PPID = 1;
const UTIME = 11;
const STIME = 12;
const START_TIME = 19;

/** `roots` and all their descendants, each in its root's group. */
export function withDescendants(roots: ProcessRef[]): ProcessRef[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const ppid = Number(statFields(pid)?.[PPID]);
    if (ppid) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const all: ProcessRef[] = [];
  const visit = (pid: number, group: ProcessGroup) => {
    all.push({ pid, group });
    for (const child of children.get(pid) ?? []) visit(child, group);
  };
  for (const root of roots) visit(root.pid, root.group);
  return all;
}

/** The backends of the benchmark's database other than the benchmark's own connections. */
export async function postgresBackends(pool: pg.Pool, benchApplicationName: string): Promise<ProcessRef[]> {
  const { rows } = await pool.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND application_name <> $1",
    [benchApplicationName],
  );
  // Only those this machine's /proc shows: a remote server's pids mean nothing here.
  return rows.filter((r) => statFields(r.pid) !== undefined).map((r) => ({ pid: r.pid, group: "postgres" }));
}

export function cpuSnapshot(processes: ProcessRef[]): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  for (const { pid, group } of processes) {
    const fields = statFields(pid);
    if (!fields) continue;
    const seconds = (Number(fields[UTIME]) + Number(fields[STIME])) / CLOCK_TICKS;
    snapshot.set(`${pid}@${fields[START_TIME]}`, { group, seconds });
  }
  return snapshot;
}

/**
 * CPU used between two snapshots. A process present only in `after` started in between and
 * counts from zero; one present only in `before` exited in between and its last part is lost
 * (the pools keep their connections, so in practice this is rare).
 */
export function cpuUsedBetween(before: CpuSnapshot, after: CpuSnapshot): CpuUsage {
  const byGroup: Record<ProcessGroup, number> = { web: 0, workers: 0, simulators: 0, postgres: 0 };
  let backends = 0;
  for (const [key, { group, seconds }] of after) {
    byGroup[group] += seconds - (before.get(key)?.seconds ?? 0);
    if (group === "postgres") backends++;
  }
  const total = Object.values(byGroup).reduce((a, b) => a + b, 0);
  return { total_s: total, by_group_s: byGroup, postgres_backends: backends };
}
