import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { BatchesView } from "@/components/batches/batches-view";
import { getCaller, getCurrentShopper } from "@/trpc/server";

export const metadata: Metadata = { title: "Batches" };
export const dynamic = "force-dynamic";

/** CONTRACT §7/§9: upload an NDJSON file of orders, watch each batch's progress, download its results. Accounts only. */
export default async function BatchesPage() {
  const shopper = await getCurrentShopper();
  if (!shopper || shopper.isAnonymous) redirect("/sign-in?next=/account/batches");
  const page = await (await getCaller()).batches.list();
  return <BatchesView initialPage={page} />;
}
