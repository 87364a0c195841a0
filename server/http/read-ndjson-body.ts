import "server-only";
import { AppError } from "@/server/errors";

const NEWLINE = 0x0a;
const BLANK = new Set([0x20, 0x09, 0x0d]);

/**
 * Reads an NDJSON body within its caps: 415 unless `application/x-ndjson`, 413 past
 * `maxBytes` or past `maxLines` lines that are not blank — both checked while streaming, so
 * reading stops at the cap whatever Content-Length said. Gives the lines as text, each with
 * its 1-based number in the file (blank lines are skipped, and counted in the numbering).
 */
export async function readNdjsonLines(request: Request, limits: { maxBytes: number; maxLines: number }): Promise<{ lines: { lineNo: number; text: string }[]; raw: Buffer }> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/x-ndjson\b/i.test(type.trim())) {
    throw new AppError(415, "unsupported_media_type", "Send the batch as NDJSON with Content-Type: application/x-ndjson.");
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limits.maxBytes) throw tooLarge(limits);
  const chunks: Uint8Array[] = [];
  if (request.body) {
    const reader = request.body.getReader();
    let size = 0;
    let lines = 0;
    let lineHasText = false;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      for (const byte of value) {
        if (byte === NEWLINE) lineHasText = false;
        else if (!lineHasText && !BLANK.has(byte)) {
          lineHasText = true;
          lines++;
        }
      }
      if (size > limits.maxBytes || lines > limits.maxLines) {
        // Not cancel(): that would destroy the request, and with it the connection the 413 goes
        // out on; the web server throws away the rest of the body (web/finish-request-body.ts).
        reader.releaseLock();
        throw tooLarge(limits);
      }
      chunks.push(value);
    }
  }
  const raw = Buffer.concat(chunks);
  const lines = raw
    .toString("utf8")
    .split("\n")
    .map((text, i) => ({ lineNo: i + 1, text: text.trim() }))
    .filter((line) => line.text !== "");
  return { lines, raw };
}

function tooLarge(limits: { maxBytes: number; maxLines: number }): AppError {
  return new AppError(413, "payload_too_large", `A batch is at most ${limits.maxLines} lines and ${limits.maxBytes / (1024 * 1024)} MiB.`, {
    max_lines: limits.maxLines,
    max_bytes: limits.maxBytes,
  });
}
