import { InventoryTable } from "@/components/admin/inventory-table";
import { getCaller } from "@/trpc/server";

export const metadata = { title: "Inventory" };

export default async function InventoryPage() {
  const inventory = await (await getCaller()).admin.inventory();
  return (
    <div className="grid gap-4">
      <h1 className="text-2xl font-semibold tracking-tight">Inventory</h1>
      <InventoryTable initial={inventory} />
    </div>
  );
}
