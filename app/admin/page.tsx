import { OverviewLive } from "@/components/admin/overview-live";
import { getCaller } from "@/trpc/server";

export const metadata = { title: "Overview" };

export default async function AdminOverviewPage() {
  const caller = await getCaller();
  const [overview, shoppers] = await Promise.all([caller.admin.overview({ window: "15m" }), caller.admin.shopperExperience({ window: "15m" })]);
  return <OverviewLive initial={overview} initialShoppers={shoppers} />;
}
