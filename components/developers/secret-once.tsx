"use client";

import { CopyIcon } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";

/** A secret shown this once (a new API key, an endpoint's signing secret), with a copy button. */
export function SecretOnce({ label, value, dataAttribute }: { label: string; value: string; dataAttribute: "data-api-key" | "data-endpoint-secret" }) {
  const copy = () =>
    navigator.clipboard.writeText(value).then(
      () => toast.success("Copied"),
      () => toast.error("Could not copy: select the text instead"),
    );
  return (
    <div role="status" className="grid gap-2 rounded-md border border-amber-500/40 bg-amber-500/10 p-3">
      <p className="text-sm font-medium">{label} — shown once, copy it now.</p>
      <div className="flex items-center gap-2">
        <code {...{ [dataAttribute]: value }} className="min-w-0 flex-1 rounded bg-background px-2 py-1 font-mono text-xs break-all">
          {value}
        </code>
        <Button type="button" variant="outline" size="sm" onClick={copy} aria-label={`Copy ${label}`}>
          <CopyIcon aria-hidden />
        </Button>
      </div>
    </div>
  );
}
