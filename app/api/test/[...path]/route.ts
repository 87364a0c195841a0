import { env } from "@/server/env";
import { unknownEndpoint } from "@/server/http/unknown-endpoint";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ path: string[] }> };

/**
 * The test controls for end-to-end suites (docs/testing.md). Without TEST_CONTROLS_TOKEN they
 * do not exist: every path here answers exactly as an unknown /api path does, and their code
 * is not even loaded.
 */
async function handler(request: Request, { params }: Context): Promise<Response> {
  const token = env().TEST_CONTROLS_TOKEN;
  if (!token) return unknownEndpoint();
  const { serveTestControl } = await import("@/server/test-controls/serve-test-control");
  return serveTestControl(request, { segments: (await params).path, token });
}

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
