"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { InventoryRow } from "@/server/admin/list-inventory";
import { useTRPC } from "@/trpc/client";
import { ScrollTable } from "./scroll-table";

/** Stock per SKU, restock, and the back-order queue a restock resumes (oldest first). */
export function InventoryTable({ initial }: { initial: InventoryRow[] }) {
  const trpc = useTRPC();
  const inventory = useQuery({ ...trpc.admin.inventory.queryOptions(), initialData: initial, refetchInterval: 2000 });
  return (
    <div className="rounded-lg border">
      <ScrollTable label="Inventory">
        <TableHeader>
          <TableRow>
            <TableHead>SKU</TableHead>
            <TableHead className="text-right">Stock</TableHead>
            <TableHead>Back-orders (oldest first)</TableHead>
            <TableHead>Restock</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {inventory.data.map((row) => (
            <InventoryLine key={row.sku} row={row} />
          ))}
        </TableBody>
      </ScrollTable>
    </div>
  );
}

function InventoryLine({ row }: { row: InventoryRow }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [quantity, setQuantity] = useState(10);
  const restock = useMutation(
    trpc.admin.restock.mutationOptions({
      onSuccess: (product) => {
        toast.success(`${product.sku} restocked: ${product.stock} in stock; back-orders resume in arrival order`);
        void queryClient.invalidateQueries({ queryKey: trpc.admin.inventory.queryKey() });
      },
      onError: (e) => toast.error(`Could not restock ${row.sku}`, { description: e.message }),
    }),
  );
  return (
    <TableRow data-sku={row.sku} data-stock={row.stock} data-backorders={row.backorders.length}>
      <TableCell>
        <p className="font-mono text-xs">{row.sku}</p>
        <p className="text-xs text-muted-foreground">{row.name}</p>
      </TableCell>
      <TableCell className="text-right tabular-nums">{row.stock.toLocaleString()}</TableCell>
      <TableCell>
        {row.backorders.length === 0 ? (
          <span className="text-muted-foreground">—</span>
        ) : (
          <ol className="grid gap-0.5 text-xs">
            {row.backorders.slice(0, 5).map((b) => (
              <li key={b.orderId}>
                <Link href={`/admin/orders/${b.orderId}`} className="font-mono underline-offset-4 hover:underline">
                  {b.orderId}
                </Link>{" "}
                × {b.quantity}
              </li>
            ))}
            {row.backorders.length > 5 && <li className="text-muted-foreground">…{row.backorders.length - 5} more</li>}
          </ol>
        )}
      </TableCell>
      <TableCell>
        <form
          className="flex items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            restock.mutate({ sku: row.sku, quantity });
          }}
        >
          <Input
            type="number"
            min={1}
            max={1_000_000}
            aria-label={`Restock ${row.sku}`}
            className="w-24"
            value={quantity}
            onChange={(e) => setQuantity(Number(e.target.value))}
          />
          <Button type="submit" variant="outline" disabled={restock.isPending || !(quantity >= 1)}>
            Restock
          </Button>
        </form>
      </TableCell>
    </TableRow>
  );
}
