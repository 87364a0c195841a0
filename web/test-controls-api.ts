import "server-only";
import type { ProcessServices } from "@/server/process-services";
import { serveTestControl } from "@/server/test-controls/serve-test-control";

/**
 * /api/test/* — the test controls for end-to-end suites (docs/testing.md). The router
 * registers this route only while TEST_CONTROLS_TOKEN is set.
 */
export async function serveTestControls(services: ProcessServices, request: Request, path: string): Promise<Response> {
  return serveTestControl(request, { segments: path.split("/"), token: services.config.TEST_CONTROLS_TOKEN ?? "", services });
}
