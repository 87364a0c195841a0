import { notFound } from "next/navigation";
import { OrderTimelineView } from "@/components/admin/order-timeline";
import { getCaller, isNotFound } from "@/trpc/server";

export const metadata = { title: "Order" };

export default async function AdminOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const timeline = await (await getCaller()).admin.order({ orderId: id }).catch((err: unknown) => {
    if (isNotFound(err)) notFound();
    throw err;
  });
  return <OrderTimelineView orderId={id} initial={timeline} />;
}
