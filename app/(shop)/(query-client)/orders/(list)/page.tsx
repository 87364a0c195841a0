import type { Metadata } from "next";
import { OrdersView } from "@/components/orders/orders-view";
import { getCaller } from "@/trpc/server";

export const metadata: Metadata = { title: "My orders" };
export const dynamic = "force-dynamic";

export default async function OrdersPage() {
  const page = await (await getCaller()).orders.list();
  return <OrdersView initialPage={page} />;
}
