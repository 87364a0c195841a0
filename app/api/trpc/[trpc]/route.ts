import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createTRPCContext } from "@/server/trpc/init";
import { headersOfServiceErrors, limitBodySize } from "@/server/trpc/http-limits";
import { appRouter } from "@/server/trpc/root";

export const dynamic = "force-dynamic";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req: limitBodySize(req),
    router: appRouter,
    createContext: () => createTRPCContext({ headers: req.headers }),
    responseMeta: headersOfServiceErrors,
  });

export { handler as GET, handler as POST };
