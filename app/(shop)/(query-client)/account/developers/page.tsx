import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { ApiKeysCard } from "@/components/developers/api-keys-card";
import { WebhookEndpointsCard } from "@/components/developers/webhook-endpoints-card";
import { getCaller, getCurrentShopper } from "@/trpc/server";

export const metadata: Metadata = { title: "Developers" };
export const dynamic = "force-dynamic";

/**
 * API keys and webhook endpoints of a signed-in account (CONTRACT §7, §8). A guest or a
 * visitor is sent to sign in; the procedures refuse guests again on their own.
 */
export default async function DevelopersPage() {
  const shopper = await getCurrentShopper();
  if (!shopper || shopper.isAnonymous) redirect("/sign-in?next=/account/developers");
  const caller = await getCaller();
  const [apiKeys, endpoints] = await Promise.all([caller.developers.apiKeys(), caller.developers.endpoints()]);
  return (
    <div className="mx-auto grid max-w-4xl gap-6 [&>*]:min-w-0">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Developers</h1>
        <p className="text-sm text-muted-foreground">
          API keys for the REST API, and endpoints Conveyor calls back when your orders change. The{" "}
          <Link href="/docs/api" prefetch={false} className="underline underline-offset-4">
            API reference
          </Link>{" "}
          describes both.
        </p>
      </div>
      <ApiKeysCard initial={apiKeys} />
      <WebhookEndpointsCard initial={endpoints.data} />
    </div>
  );
}
