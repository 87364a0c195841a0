import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { formatTime } from "@/components/admin/format";
import { getCaller } from "@/trpc/server";

export const metadata = { title: "Mailbox" };
export const dynamic = "force-dynamic";

/** Every email the (simulated) email service accepted, rendered as the recipient reads it. */
export default async function MailboxPage({ searchParams }: { searchParams: Promise<{ cursor?: string }> }) {
  const { cursor } = await searchParams;
  const page = await (await getCaller()).admin.mailbox({ cursor: cursor ?? null, limit: 30 });
  return (
    <div className="grid gap-4">
      <h1 className="text-2xl font-semibold tracking-tight">Mailbox</h1>
      {page.data.length === 0 && <p className="rounded-lg border border-dashed p-10 text-center text-muted-foreground">No email sent yet.</p>}
      <ul className="grid gap-3">
        {page.data.map((message) => (
          <li key={message.id}>
            <Card className="gap-2 py-4" data-template={message.template} data-order-id={message.orderId ?? undefined}>
              <CardHeader className="px-4">
                <CardTitle className="flex flex-wrap items-center gap-2 text-base">
                  <h2>{message.subject}</h2>
                  <Badge variant="secondary">{message.template}</Badge>
                </CardTitle>
                <p className="text-xs text-muted-foreground">
                  To {message.recipient} · {formatTime(message.createdAt.toISOString())}
                  {message.orderId && (
                    <>
                      {" "}
                      · <Link href={`/admin/orders/${message.orderId}`} className="font-mono underline-offset-4 hover:underline">{message.orderId}</Link>
                    </>
                  )}
                </p>
              </CardHeader>
              <CardContent className="px-4">
                <p className="max-w-prose text-sm whitespace-pre-line">{message.body}</p>
              </CardContent>
            </Card>
          </li>
        ))}
      </ul>
      {page.nextCursor && (
        <Link href={`/admin/mailbox?cursor=${encodeURIComponent(page.nextCursor)}`} className="text-sm font-medium underline underline-offset-4">
          Older messages
        </Link>
      )}
    </div>
  );
}
