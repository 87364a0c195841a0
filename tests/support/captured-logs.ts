/**
 * The logger's lines in a unit test, caught where they are written instead of on stdout:
 *   vi.mock("@/server/logging/logger", async () => (await import("@/tests/support/captured-logs")).capturingLoggerModule);
 * then read `capturedLogs` (and empty it between tests).
 */
export type CapturedLine = { level: string; fields: Record<string, unknown>; msg: string };

export const capturedLogs: CapturedLine[] = [];

const at = (level: string) => (fields: unknown, msg?: string) =>
  void capturedLogs.push(typeof fields === "string" ? { level, fields: {}, msg: fields } : { level, fields: fields as Record<string, unknown>, msg: msg ?? "" });

const capturing = { trace: at("trace"), debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), fatal: at("fatal") };

/** Stands in for server/logging/logger.ts. */
export const capturingLoggerModule = { logger: capturing, loggerFor: () => capturing };
