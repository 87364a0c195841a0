"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";
import { toast } from "sonner";
import type { ManualReviewSetting } from "@/server/reviews/manual-review-setting";
import { useTRPC } from "@/trpc/client";

/** The pipeline's manual review switch: takes effect when toggled (no Save), for the next charge from every worker. */
export function ManualReviewSwitch({ initial }: { initial: ManualReviewSetting }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const setting = useQuery({ ...trpc.admin.manualReview.queryOptions(), initialData: initial });
  // What the admin just chose, shown at once (a controlled checkbox reverts to its state until
  // the next render); cleared when the server has answered, whatever it answered.
  const [chosen, setChosen] = useState<boolean | null>(null);
  const toggle = useMutation(
    trpc.admin.setManualReview.mutationOptions({
      onSuccess: (saved) => {
        queryClient.setQueryData(trpc.admin.manualReview.queryKey(), saved);
        toast.success(saved.enabled ? "Manual review on: risk-flagged payments wait on Reviews" : "Manual review off: risk-flagged payments are rejected");
      },
      onError: (e) => toast.error("Could not switch manual review", { description: e.message }),
      onSettled: () => setChosen(null),
    }),
  );
  const enabled = chosen ?? setting.data.enabled;
  return (
    <section aria-labelledby={`${id}-heading`} className="grid gap-2 rounded-lg border p-4" data-manual-review={enabled ? "on" : "off"}>
      <h2 id={`${id}-heading`} className="text-lg font-semibold">
        Pipeline
      </h2>
      <label className="flex w-fit items-center gap-2 text-sm font-medium">
        <input
          type="checkbox"
          className="size-4 accent-primary"
          checked={enabled}
          disabled={toggle.isPending}
          aria-describedby={`${id}-hint`}
          onChange={(e) => {
            setChosen(e.target.checked);
            toggle.mutate({ enabled: e.target.checked });
          }}
        />
        Manual review
      </label>
      <p id={`${id}-hint`} className="text-sm text-muted-foreground">
        When on, a payment that risk scoring flags is captured and held for a person on{" "}
        <Link href="/admin/reviews" className="underline underline-offset-4">
          Reviews
        </Link>{" "}
        instead of rejected (fraud is still rejected at once); undecided reviews are rejected after 72 h. Applies from the next charge.
      </p>
    </section>
  );
}
