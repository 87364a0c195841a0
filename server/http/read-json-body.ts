import "server-only";
import { AppError, badRequest } from "@/server/errors";

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads a JSON body with the contract's limits: 415 unless it is JSON, 413 over 64 KiB
 * (checked while streaming, so a lying Content-Length cannot get more through), 400 when
 * it does not parse.
 */
export async function readJsonBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const raw = await readRawBody(request, maxBytes, { requireJson: true });
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw badRequest("The body is not valid JSON.");
  }
}

export async function readRawBody(request: Request, maxBytes = MAX_BODY_BYTES, options: { requireJson?: boolean } = {}): Promise<Buffer> {
  if (options.requireJson) {
    const type = request.headers.get("content-type") ?? "";
    if (!/^application\/([a-z0-9.+-]*\+)?json\b/i.test(type.trim())) {
      throw new AppError(415, "unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
    }
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not cancel(): that would destroy the request, and with it the connection the 413 goes
      // out on; the web server throws away the rest of the body (web/finish-request-body.ts).
      reader.releaseLock();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(413, "payload_too_large", `The body is larger than ${maxBytes / 1024} KiB.`);
}
