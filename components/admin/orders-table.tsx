"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { ORDER_STATUSES, type OrderStatus } from "@/lib/order-state";
import { useTRPC } from "@/trpc/client";
import type { OrderSearchRow } from "@/server/admin/search-orders";
import { ScrollTable } from "./scroll-table";
import { formatTime, statusLabel } from "./format";

const column = createColumnHelper<OrderSearchRow>();
const COLUMNS = [
  column.accessor("orderId", {
    header: "Order",
    cell: (c) => (
      <Link href={`/admin/orders/${c.getValue()}`} className="font-mono text-xs underline-offset-4 hover:underline">
        {c.getValue()}
      </Link>
    ),
  }),
  column.accessor("status", { header: "Status", cell: (c) => <Badge variant="outline" className="capitalize">{statusLabel(c.getValue())}</Badge> }),
  column.accessor("email", { header: "Shopper" }),
  column.accessor("total", { header: "Total", cell: (c) => `${c.getValue().toFixed(2)} ${c.row.original.currency}` }),
  column.accessor("tracking", { header: "Tracking", cell: (c) => <span className="font-mono text-xs">{c.getValue() ?? "—"}</span> }),
  column.accessor("createdAt", { header: "Placed", cell: (c) => formatTime(c.getValue()) }),
];

const FILTERS = ["status", "from", "to", "shopper", "q"] as const;

/** Order search; every filter and the page cursor live in the URL, so a view can be shared. */
export function OrdersTable() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const [cursors, setCursors] = useState<string[]>([]);
  const get = (key: string) => params.get(key) ?? undefined;
  const toIso = (value: string | undefined) => (value ? new Date(value).toISOString() : undefined);
  const input = {
    status: get("status") as OrderStatus | undefined,
    from: toIso(get("from")),
    to: toIso(get("to")),
    shopper: get("shopper"),
    q: get("q"),
    cursor: get("cursor") ?? null,
    limit: 25,
  };
  const orders = useQuery({ ...trpc.admin.orders.queryOptions(input), placeholderData: keepPreviousData });
  // The React Compiler (not enabled in this build) would leave this component as written:
  // TanStack Table's useReactTable returns functions that must not be memoized. Nothing here
  // is passed to a memoized child, so there is nothing to fix, only this to know.
  // eslint-disable-next-line react-hooks/incompatible-library -- known and harmless, see above
  const table = useReactTable({ data: orders.data?.data ?? [], columns: COLUMNS, getCoreRowModel: getCoreRowModel() });

  const navigate = (next: URLSearchParams) => router.replace(`${pathname}?${next.toString()}`);
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const key of FILTERS) {
      const value = String(form.get(key) ?? "").trim();
      if (value) next.set(key, value);
    }
    setCursors([]);
    navigate(next);
  };
  const page = (cursor: string | null) => {
    const next = new URLSearchParams(params);
    if (cursor) next.set("cursor", cursor);
    else next.delete("cursor");
    navigate(next);
  };

  return (
    <div className="grid gap-4">
      <form onSubmit={apply} className="grid gap-3 rounded-lg border p-3 sm:grid-cols-3 lg:grid-cols-6" aria-label="Filter orders">
        <div className="grid gap-1 lg:col-span-2">
          <Label htmlFor="q">Search</Label>
          <Input id="q" name="q" defaultValue={get("q")} placeholder="ord_…, email or tracking number" />
        </div>
        <div className="grid gap-1">
          <Label htmlFor="status">Status</Label>
          <select id="status" name="status" defaultValue={get("status") ?? ""} className="h-9 rounded-md border bg-background px-2 text-sm">
            <option value="">Any</option>
            {ORDER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="grid gap-1">
          <Label htmlFor="shopper">Shopper</Label>
          <Input id="shopper" name="shopper" defaultValue={get("shopper")} placeholder="email or usr_…" />
        </div>
        <div className="grid gap-1">
          <Label htmlFor="from">From</Label>
          <Input id="from" name="from" type="datetime-local" defaultValue={get("from")} />
        </div>
        <div className="grid gap-1">
          <Label htmlFor="to">To</Label>
          <Input id="to" name="to" type="datetime-local" defaultValue={get("to")} />
        </div>
        <div className="flex items-end gap-2 sm:col-span-3 lg:col-span-6">
          <Button type="submit">Apply filters</Button>
          <Button type="button" variant="outline" onClick={() => navigate(new URLSearchParams())}>
            Clear
          </Button>
        </div>
      </form>

      <div className="rounded-lg border">
        <ScrollTable label="Orders" busy={orders.isFetching}>
          <TableHeader>
            {table.getHeaderGroups().map((group) => (
              <TableRow key={group.id}>
                {group.headers.map((header) => (
                  <TableHead key={header.id}>{flexRender(header.column.columnDef.header, header.getContext())}</TableHead>
                ))}
              </TableRow>
            ))}
          </TableHeader>
          <TableBody>
            {table.getRowModel().rows.map((row) => (
              <TableRow key={row.id} data-order-id={row.original.orderId} data-status={row.original.status}>
                {row.getVisibleCells().map((cell) => (
                  <TableCell key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</TableCell>
                ))}
              </TableRow>
            ))}
            {orders.data?.data.length === 0 && (
              <TableRow>
                <TableCell colSpan={COLUMNS.length} className="py-8 text-center text-muted-foreground">
                  No orders match these filters.
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </ScrollTable>
      </div>
      {orders.error && <p role="alert" className="text-sm text-destructive">{orders.error.message}</p>}
      <div className="flex gap-2">
        <Button
          variant="outline"
          disabled={!params.get("cursor")}
          onClick={() => {
            const previous = cursors.at(-2) ?? null;
            setCursors(cursors.slice(0, -1));
            page(previous);
          }}
        >
          Previous page
        </Button>
        <Button
          variant="outline"
          disabled={!orders.data?.nextCursor}
          onClick={() => {
            setCursors([...cursors, orders.data!.nextCursor!]);
            page(orders.data!.nextCursor);
          }}
        >
          Next page
        </Button>
      </div>
    </div>
  );
}
