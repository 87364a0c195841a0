/** A timestamp the same on the server render and in the browser (no locale, no time zone): "2026-04-13 14:32:07 UTC". */
export function formatUtc(iso: string): string {
  return `${iso.slice(0, 19).replace("T", " ")} UTC`;
}
