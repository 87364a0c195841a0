import type { LucideIcon } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";

type Action = { href: string; label: string };

/** What a page says when there is nothing to show, and where to go from there. */
export function EmptyState({ icon: Icon, title, body, actions, as: Heading = "h2" }: { icon: LucideIcon; title: string; body: string; actions: Action[]; as?: "h1" | "h2" }) {
  return (
    <div className="grid justify-items-center gap-3 rounded-lg border border-dashed p-10 text-center">
      <Icon aria-hidden className="size-10 text-muted-foreground" />
      <Heading className={Heading === "h1" ? "text-2xl font-semibold" : "text-lg font-medium"}>{title}</Heading>
      <p className="max-w-prose text-muted-foreground">{body}</p>
      <div className="flex flex-wrap justify-center gap-2">
        {actions.map((action, index) => (
          <Button key={action.href} asChild variant={index === 0 ? "default" : "outline"}>
            <Link href={action.href}>{action.label}</Link>
          </Button>
        ))}
      </div>
    </div>
  );
}
