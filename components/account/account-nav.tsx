"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const PAGES = [
  { href: "/account/developers", label: "API keys & webhooks" },
  { href: "/account/batches", label: "Batches" },
] as const;

/** The account's pages side by side: the header links to the first, this leads to the rest. */
export function AccountNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Account" className="mb-6 flex gap-1 border-b text-sm">
      {PAGES.map((page) => {
        const current = pathname === page.href;
        return (
          <Link
            key={page.href}
            href={page.href}
            aria-current={current ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 ${current ? "border-primary font-medium" : "border-transparent text-muted-foreground hover:text-foreground"}`}
          >
            {page.label}
          </Link>
        );
      })}
    </nav>
  );
}
