import { notFound } from "next/navigation";
import { OrderTimelineView } from "@/components/admin/order-timeline";
import { OrderTraceView } from "@/components/admin/order-trace";
import { getCaller, isNotFound } from "@/trpc/server";

export const metadata = { title: "Order" };

export default async function AdminOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const caller = await getCaller();
  const [timeline, trace] = await Promise.all([caller.admin.order({ orderId: id }), caller.admin.orderTrace({ orderId: id })]).catch((err: unknown) => {
    if (isNotFound(err)) notFound();
    throw err;
  });
  return (
    <div className="grid gap-6">
      <OrderTimelineView orderId={id} initial={timeline} />
      <OrderTraceView orderId={id} initial={trace} />
    </div>
  );
}
