import { Suspense } from "react";
import { OrdersTable } from "@/components/admin/orders-table";

export const metadata = { title: "Orders" };

export default function AdminOrdersPage() {
  return (
    <div className="grid gap-4">
      <h1 className="text-2xl font-semibold tracking-tight">Orders</h1>
      <Suspense>
        <OrdersTable />
      </Suspense>
    </div>
  );
}
