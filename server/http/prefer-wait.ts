import "server-only";
/** Most a client may ask to wait with `Prefer: wait=N` (docs/api.md, "Prefer: wait"). */
export const MAX_WAIT_SECONDS = 30;

/**
 * The `wait` preference of an RFC 7240 `Prefer` header (`Prefer: respond-async, wait=10`),
 * capped at 30 s; undefined when absent or not a number (a preference may be ignored).
 */
export function parsePreferWait(header: string | null): number | undefined {
  if (!header) return undefined;
  for (const part of header.split(/[,;]/)) {
    const match = /^\s*wait\s*=\s*"?(\d{1,6})"?\s*$/i.exec(part);
    if (match?.[1]) return Math.min(Number(match[1]), MAX_WAIT_SECONDS);
  }
  return undefined;
}
