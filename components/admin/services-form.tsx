"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { DownstreamSettings } from "@/server/db/schema";
import { useTRPC } from "@/trpc/client";

/** A service's settings as the page hands them over: the spike as seconds still to run. */
type Serialized = Omit<DownstreamSettings, "spikeUntil" | "updatedAt"> & { spikeSecondsLeft: number };

const DESCRIPTIONS: Record<string, string> = {
  payment: "Payment provider: the charge request (its verdict follows by webhook).",
  fraud: "Fraud check, called by the payment provider before it decides.",
  risk: "Risk scoring, called by the payment provider after the fraud check.",
  invoicing: "Issues invoice numbers.",
  email: "Delivers confirmation and notification emails.",
  carrier: "Books shipments and returns tracking numbers.",
};

/** One form per simulated service; saving applies to the very next call from any process. */
export function ServicesForm({ services }: { services: Serialized[] }) {
  return (
    <div className="grid gap-4 md:grid-cols-2">
      {services.map((service) => (
        <ServiceCard key={service.service} initial={service} />
      ))}
    </div>
  );
}

function ServiceCard({ initial }: { initial: Serialized }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [form, setForm] = useState({
    baseLatencyMs: initial.baseLatencyMs,
    jitterMs: initial.jitterMs,
    spikeLatencyMs: initial.spikeLatencyMs,
    spikeSeconds: initial.spikeSecondsLeft,
    failureRatePercent: Math.round(initial.failureRate * 1000) / 10,
    outage: initial.outage,
    capacity: initial.capacity,
  });
  const save = useMutation(
    trpc.admin.updateService.mutationOptions({
      onSuccess: () => {
        toast.success(`${initial.service} settings saved`);
        void queryClient.invalidateQueries({ queryKey: trpc.admin.services.queryKey() });
      },
      onError: (e) => toast.error(`Could not save ${initial.service}`, { description: e.message }),
    }),
  );
  const number = (key: keyof typeof form, label: string, props: { min?: number; max?: number; step?: number; hint?: string } = {}) => (
    <div className="grid gap-1">
      <Label htmlFor={`${id}-${key}`}>{label}</Label>
      <Input
        id={`${id}-${key}`}
        type="number"
        min={props.min ?? 0}
        max={props.max}
        step={props.step ?? 1}
        value={String(form[key])}
        onChange={(e) => setForm({ ...form, [key]: Number(e.target.value) })}
        aria-describedby={props.hint ? `${id}-${key}-hint` : undefined}
      />
      {props.hint && (
        <p id={`${id}-${key}-hint`} className="text-xs text-muted-foreground">
          {props.hint}
        </p>
      )}
    </div>
  );
  return (
    <form
      className="rounded-lg border p-4"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ service: initial.service, ...form });
      }}
    >
      <fieldset className="grid gap-3" data-service={initial.service}>
        <legend className="text-lg font-semibold">{initial.service}</legend>
        <p className="text-sm text-muted-foreground">{DESCRIPTIONS[initial.service]}</p>
        <div className="grid grid-cols-2 gap-3">
          {number("baseLatencyMs", "Latency (ms)", { max: 60_000 })}
          {number("jitterMs", "Jitter (ms)", { max: 60_000 })}
          {number("spikeLatencyMs", "Spike (+ms)", { max: 60_000 })}
          {number("spikeSeconds", "Spike for (s)", { max: 3600, hint: "From when you save; 0 ends a spike." })}
          {number("failureRatePercent", "Failure rate (%)", { max: 100, step: 0.1 })}
          {number("capacity", "Capacity", { max: 10_000, hint: "Requests served at once; the rest queue. 0 = unlimited." })}
        </div>
        <div className="flex items-center justify-between gap-3">
          <label className="flex items-center gap-2 text-sm font-medium">
            <input type="checkbox" className="size-4 accent-destructive" checked={form.outage} onChange={(e) => setForm({ ...form, outage: e.target.checked })} />
            Outage
          </label>
          <Button type="submit" disabled={save.isPending}>
            Save
          </Button>
        </div>
      </fieldset>
    </form>
  );
}
