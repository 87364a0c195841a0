import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { OrderDetail } from "@/components/orders/order-detail";
import { getCaller, isNotFound } from "@/trpc/server";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Order ${(await params).id}` };
}

/** Someone else's order is the same 404 as one that does not exist. */
export default async function OrderPage({ params }: Props) {
  const { id } = await params;
  const order = await (await getCaller()).orders.get({ orderId: id }).catch((err: unknown) => {
    if (isNotFound(err)) notFound();
    throw err;
  });
  return <OrderDetail initialOrder={order} />;
}
