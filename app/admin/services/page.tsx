import { ManualReviewSwitch } from "@/components/admin/manual-review-switch";
import { ServicesForm } from "@/components/admin/services-form";
import { getCaller } from "@/trpc/server";

export const metadata = { title: "Downstream services" };

export default async function ServicesPage() {
  const caller = await getCaller();
  const [services, manualReview] = await Promise.all([caller.admin.services(), caller.admin.manualReview()]);
  return (
    <div className="grid gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Downstream services</h1>
        <p className="text-sm text-muted-foreground">The simulated third parties. A saved change applies to the next call, from every process.</p>
      </div>
      <ManualReviewSwitch initial={manualReview} />
      <ServicesForm services={services.map(({ spikeUntil, updatedAt: _updatedAt, ...s }) => ({ ...s, spikeSecondsLeft: secondsUntil(spikeUntil) }))} />
    </div>
  );
}

function secondsUntil(until: Date | null): number {
  return until ? Math.max(0, Math.round((until.getTime() - Date.now()) / 1000)) : 0;
}
