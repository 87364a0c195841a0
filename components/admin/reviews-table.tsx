"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatMoney } from "@/lib/money";
import type { OpenReview } from "@/server/reviews/list-reviews";
import { useTRPC } from "@/trpc/client";
import { formatTime, statusLabel } from "./format";
import { ScrollTable } from "./scroll-table";

/** Payments held for review, oldest first; Approve continues the order as paid, Reject refunds it. */
export function ReviewsTable({ initial, manualReview }: { initial: OpenReview[]; manualReview: boolean }) {
  const trpc = useTRPC();
  const reviews = useQuery({ ...trpc.admin.reviews.queryOptions(), initialData: initial, refetchInterval: 3000 });
  return (
    <div className="grid gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Reviews</h1>
        <p className="text-sm text-muted-foreground" data-open-reviews={reviews.data.length}>
          Payments risk scoring flagged, captured and held until you decide. Approve: the order goes on as paid, charged once. Reject: the charge is refunded
          and the items released. Undecided after 72 h: rejected.
        </p>
      </div>
      {reviews.data.length === 0 ? (
        <p className="rounded-lg border border-dashed p-10 text-center text-muted-foreground">
          No payment is waiting for review.{" "}
          {manualReview ? (
            "Manual review is on."
          ) : (
            <>
              Manual review is off: switch it on in{" "}
              <Link href="/admin/services" className="underline underline-offset-4">
                Services
              </Link>
              .
            </>
          )}
        </p>
      ) : (
        <div className="rounded-lg border">
          <ScrollTable label="Payments waiting for review">
            <TableHeader>
              <TableRow>
                <TableHead>Order</TableHead>
                <TableHead className="text-right max-sm:hidden">Amount</TableHead>
                <TableHead className="text-right max-sm:hidden">Risk score</TableHead>
                <TableHead className="max-sm:hidden">Held since</TableHead>
                <TableHead>Decision</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {reviews.data.map((review) => (
                <ReviewRow key={review.order_id} review={review} />
              ))}
            </TableBody>
          </ScrollTable>
        </div>
      )}
    </div>
  );
}

function ReviewRow({ review }: { review: OpenReview }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const decide = useMutation(
    trpc.admin.decideReview.mutationOptions({
      onSuccess: (decided) => {
        toast.success(
          decided.decision === "approved" ? `${decided.order_id} approved: it goes on as paid` : `${decided.order_id} rejected: the charge is refunded`,
        );
        void queryClient.invalidateQueries({ queryKey: trpc.admin.reviews.queryKey() });
      },
      onError: (e) => {
        toast.error(`Could not decide ${review.order_id}`, { description: e.message });
        void queryClient.invalidateQueries({ queryKey: trpc.admin.reviews.queryKey() });
      },
    }),
  );
  const orderCell = `review-${review.order_id}`;
  const risk = review.risk_score === null ? "—" : review.risk_score.toFixed(2);
  return (
    <TableRow data-order-id={review.order_id} data-status={review.status} data-risk-score={review.risk_score ?? undefined}>
      <TableCell id={orderCell} className="whitespace-normal">
        <Link href={`/admin/orders/${review.order_id}`} className="font-mono text-xs break-all underline-offset-4 hover:underline">
          {review.order_id}
        </Link>
        <p className="max-w-64 truncate text-xs text-muted-foreground">
          {review.shopper_email ?? "guest checkout"}
          {review.status !== "in_review" && ` · ${statusLabel(review.status)}`}
        </p>
        {/* On a phone the other columns fold in here, so the decision stays in view. */}
        <p className="text-xs tabular-nums sm:hidden">
          {formatMoney(review.total_cents, review.currency)} · risk {risk} · held {formatTime(review.held_since)}
        </p>
      </TableCell>
      <TableCell className="text-right tabular-nums max-sm:hidden">{formatMoney(review.total_cents, review.currency)}</TableCell>
      <TableCell className="text-right tabular-nums max-sm:hidden">
        {risk}
        {review.reason && <p className="text-xs text-muted-foreground">{statusLabel(review.reason)}</p>}
      </TableCell>
      <TableCell className="max-sm:hidden">
        <time dateTime={review.held_since} suppressHydrationWarning>
          {formatTime(review.held_since)}
        </time>
        <p className="text-xs text-muted-foreground">
          if undecided, rejected at{" "}
          <time dateTime={review.expires_at} suppressHydrationWarning>
            {formatTime(review.expires_at)}
          </time>
        </p>
      </TableCell>
      <TableCell>
        <div className="flex gap-2 max-sm:flex-col">
          <Button size="sm" aria-describedby={orderCell} disabled={decide.isPending} onClick={() => decide.mutate({ orderId: review.order_id, decision: "approved" })}>
            Approve
          </Button>
          <Button
            size="sm"
            variant="outline"
            aria-describedby={orderCell}
            disabled={decide.isPending}
            onClick={() => decide.mutate({ orderId: review.order_id, decision: "rejected" })}
          >
            Reject
          </Button>
        </div>
      </TableCell>
    </TableRow>
  );
}
