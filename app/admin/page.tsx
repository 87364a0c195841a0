import { OverviewLive } from "@/components/admin/overview-live";
import { getCaller } from "@/trpc/server";

export const metadata = { title: "Overview" };

export default async function AdminOverviewPage() {
  const overview = await (await getCaller()).admin.overview({ window: "15m" });
  return <OverviewLive initial={overview} />;
}
