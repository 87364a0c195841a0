"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { applyUpdateToPage, mergeOrder, mergeOrderPage, type OrderPage, type OrderSnapshot, type StatusUpdate } from "@/lib/merge-order";
import { useTRPC } from "@/trpc/client";

/**
 * Every write of order data into the query cache goes through here, and through
 * lib/merge-order.ts: the checkout answer, server-rendered pages, pushed events. (Polls merge
 * the same way via `structuralSharing` in the queries.) Nothing can regress a shown status.
 */
export function useOrderCache() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMemo(() => {
    const listFilter = { queryKey: trpc.orders.list.pathKey() };
    const detailKey = (orderId: string) => trpc.orders.get.queryKey({ orderId });
    return {
      /** A whole order (the checkout's answer, a server render): list pages that are loaded, and its detail. */
      writeOrder(order: OrderSnapshot) {
        queryClient.setQueriesData<OrderPage>(listFilter, (page) => (page ? mergeOrderPage(page, { data: [order], next_cursor: page.next_cursor }) : page));
        queryClient.setQueryData<OrderSnapshot>(detailKey(order.order_id), (current) => mergeOrder(current, order));
      },
      writePage(page: OrderPage) {
        queryClient.setQueryData<OrderPage>(trpc.orders.list.queryKey(), (current) => mergeOrderPage(current, page));
      },
      applyUpdate(update: StatusUpdate) {
        queryClient.setQueriesData<OrderPage>(listFilter, (page) => applyUpdateToPage(page, update));
        queryClient.setQueryData<OrderSnapshot>(detailKey(update.order_id), (current) => (current ? mergeOrder(current, update) : current));
      },
    };
  }, [trpc, queryClient]);
}

/** Merges a refetched page/order into the cached one instead of replacing it. */
export const mergePageOnRefetch = (old: unknown, next: unknown) => mergeOrderPage(old as OrderPage | undefined, next as OrderPage);
export const mergeOrderOnRefetch = (old: unknown, next: unknown) => mergeOrder(old as OrderSnapshot | undefined, next as OrderSnapshot) ?? next;
