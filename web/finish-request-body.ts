import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";

/** What the server will still read and throw away of a body it answered without reading. */
const DISCARD_LIMIT_BYTES = 16 * 1024 * 1024;
const DISCARD_LIMIT_MS = 10_000;

type End = ServerResponse["end"];

/**
 * An answer given before the request's body was read — a 400 on a header, a 413, Next's 308
 * for a trailing slash — leaves the rest of the body on the wire. Closed with those bytes
 * unread, a connection is reset by the kernel, and a reset destroys whatever the client has
 * not read yet: the answer itself, or, on a kept-alive connection stuck in the old body,
 * the next request. So the end of such a response waits until the rest of the body has
 * arrived and been thrown away; the answer's bytes go out at once (with a Content-Length
 * when the handler gave its whole body to `end`). A client that keeps sending past
 * DISCARD_LIMIT_BYTES or DISCARD_LIMIT_MS has its connection cut.
 *
 * Only for requests that carry a body: the event streams and other GETs are untouched.
 */
export function endAfterRequestBody(req: IncomingMessage, res: ServerResponse): void {
  if (!hasBody(req)) return;
  const end = res.end;
  res.end = function (this: ServerResponse, ...args: unknown[]) {
    res.end = end;
    if (req.complete || req.destroyed) return end.apply(this, args as Parameters<End>);
    const [chunk, encoding, callback] = endArguments(args);
    if (chunk !== undefined) {
      if (!this.headersSent && !this.hasHeader("content-length") && !this.hasHeader("transfer-encoding")) {
        this.setHeader("Content-Length", Buffer.byteLength(chunk, encoding));
      }
      this.write(chunk, encoding ?? "utf8");
    }
    discardRestOfBody(req, (cut) => {
      (end as (callback?: () => void) => ServerResponse).call(this, callback);
      if (cut) this.once("finish", () => req.socket.destroy());
    });
    return this;
  } as End;
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}

type Chunk = string | Uint8Array;

/** `end([chunk[, encoding]][, callback])`, as ServerResponse takes it. */
function endArguments(args: unknown[]): [Chunk | undefined, BufferEncoding | undefined, (() => void) | undefined] {
  const [first, second, third] = args;
  if (typeof first === "function") return [undefined, undefined, first as () => void];
  if (typeof second === "function") return [(first ?? undefined) as Chunk | undefined, undefined, second as () => void];
  return [(first ?? undefined) as Chunk | undefined, second as BufferEncoding | undefined, third as (() => void) | undefined];
}

/** Reads the body to its end with nobody listening; `done(cut)` once it ended, or when it went on too long. */
function discardRestOfBody(req: IncomingMessage, done: (cut: boolean) => void): void {
  let finished = false;
  let discarded = 0;
  const finish = (cut: boolean) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    req.off("data", count);
    done(cut);
  };
  const count = (chunk: Buffer) => {
    discarded += chunk.byteLength;
    if (discarded > DISCARD_LIMIT_BYTES) finish(true);
  };
  const timer = setTimeout(() => finish(true), DISCARD_LIMIT_MS).unref();
  // A body reader that gave up (a web stream nobody pulls any more) would otherwise buffer what follows.
  req.removeAllListeners("data");
  req.on("data", count);
  req.once("end", () => finish(false));
  req.once("close", () => finish(false));
  req.resume();
}
