import "server-only";
import { TRPCError } from "@trpc/server";
import type { FetchHandlerRequestOptions } from "@trpc/server/adapters/fetch";
import { AppError } from "@/server/errors";
import { MAX_BODY_BYTES } from "@/server/http/read-json-body";
import type { AppRouter } from "./root";

const tooLarge = () => new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: `The body is larger than ${MAX_BODY_BYTES / 1024} KiB.` });

/**
 * The request with its body capped at the REST limit (64 KiB). The fetch adapter has no
 * size option (only the Node adapter does), so the body stream itself fails with a 413
 * once it passes the limit — counted while streaming, so a missing or lying
 * Content-Length gets no further.
 */
export function limitBodySize(request: Request): Request {
  if (!request.body) return request;
  const declared = Number(request.headers.get("content-length") ?? "0");
  let size = 0;
  // preventCancel: cancelling the source would destroy the request, and with it the connection
  // the 413 goes out on; the web server throws away the rest (web/finish-request-body.ts).
  const counted = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start(controller) {
        if (declared > MAX_BODY_BYTES) controller.error(tooLarge());
      },
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > MAX_BODY_BYTES) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
    { preventCancel: true },
  );
  return new Request(request, { body: counted, duplex: "half" } as RequestInit);
}

/** Carries a service error's headers (Retry-After of a 429 or 503) onto the HTTP response, as REST does. */
export const headersOfServiceErrors: NonNullable<FetchHandlerRequestOptions<AppRouter>["responseMeta"]> = ({ errors }) => {
  const headers = new Headers();
  for (const error of errors) {
    if (error.cause instanceof AppError) for (const [name, value] of Object.entries(error.cause.headers ?? {})) headers.set(name, value);
  }
  return { headers };
};
