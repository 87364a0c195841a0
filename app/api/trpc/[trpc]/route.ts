import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { webStepQueue } from "@/jobs/step-queue";
import { env } from "@/server/env";
import { provideStepQueue } from "@/server/pipeline/step-queue";
import { createTRPCContext } from "@/server/trpc/init";
import { headersOfServiceErrors, limitBodySize } from "@/server/trpc/http-limits";
import { appRouter } from "@/server/trpc/root";

export const dynamic = "force-dynamic";

// The composition root of the web process: the tRPC routers (server/) enqueue through this.
provideStepQueue(webStepQueue);

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req: limitBodySize(req),
    router: appRouter,
    // A batch is one request of many calls: capped, and each call spends from the rate budget.
    maxBatchSize: env().TRPC_MAX_BATCH_SIZE,
    // resHeaders: a visitor's first cart line or order starts their guest session on this response.
    createContext: ({ resHeaders }) => createTRPCContext({ headers: req.headers, resHeaders }),
    responseMeta: headersOfServiceErrors,
  });

export { handler as GET, handler as POST };
