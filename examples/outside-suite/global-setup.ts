import { request, type FullConfig } from "@playwright/test";
import { controlsHeaders } from "./tests/controls";

/** One reset before the run: every run starts from the seed catalog, default services and no orders. */
export default async function globalSetup(config: FullConfig): Promise<void> {
  const baseURL = config.projects[0]?.use.baseURL;
  const api = await request.newContext({ baseURL, extraHTTPHeaders: controlsHeaders() });
  const response = await api.post("/api/test/reset");
  if (response.status() !== 204) throw new Error(`POST /api/test/reset answered ${response.status()}: is TEST_CONTROLS_TOKEN right? ${await response.text()}`);
  await api.dispose();
}
