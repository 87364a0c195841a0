/**
 * What every Conveyor started for an end-to-end suite sets, whoever starts it: `npm run
 * start:test` (scripts/start-test.ts, for outside suites) and our own suite's stacks
 * (e2e/support/stack.ts). One list, so the two cannot drift apart: a suite written against
 * start:test meets the same pipeline our own specs were written against.
 */
export const SUITE_PROCESS_SETTINGS: Record<string, string> = {
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  // A suite's webhook receivers listen on loopback (a file may turn it off to test the guard).
  WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
  // The pipeline at the same priority as everything else on the machine. At the default
  // nice 10 it got a tenth of a core whenever a browser or anything else wanted the CPU:
  // under a busy loop (issue 15's CPU-hog run) a webhook's four quick attempts took over
  // 30 s, and a suite's waits would measure the machine's load. Priority is a production
  // tuning of intake against the backlog (decision 020).
  WORKER_NICE: "0",
  // Jobs that come due by time (a retry's backoff, a scheduled delivery or look-up) are
  // found within 0.5 s instead of up to 5 s later (decision 043): tests wait on those jobs,
  // and a 5 s poll turned a one-second retry into five.
  JOB_POLL_SECONDS: "0.5",
};
