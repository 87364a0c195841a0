import "server-only";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { ProcessServices } from "@/server/process-services";
import { headersOfServiceErrors, limitBodySize } from "@/server/trpc/http-limits";
import { createTRPCContext } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/root";

/** /api/trpc/* — the browser's API (and API clients'): the routers of server/trpc with this process's services. */
export async function serveTrpc(services: ProcessServices, request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: limitBodySize(request),
    router: appRouter,
    // A batch is one request of many calls: capped, and each call spends from the rate budget.
    maxBatchSize: services.config.TRPC_MAX_BATCH_SIZE,
    // resHeaders: a visitor's first cart line or order starts their guest session on this response.
    createContext: ({ resHeaders }) => createTRPCContext({ services, headers: request.headers, resHeaders }),
    responseMeta: headersOfServiceErrors,
  });
}
