import "server-only";
import type { ProcessServices } from "@/server/process-services";

/**
 * /api/test/* — the test controls for end-to-end suites (docs/testing.md). The router
 * registers this route only while TEST_CONTROLS_TOKEN is set, and the controls' code is
 * loaded on the first call: a process without the token never loads it (docs/security.md).
 */
export async function serveTestControls(services: ProcessServices, request: Request, path: string): Promise<Response> {
  const { serveTestControl } = await import("@/server/test-controls/serve-test-control");
  return serveTestControl(request, { segments: path.split("/"), token: services.config.TEST_CONTROLS_TOKEN ?? "", services });
}
