"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";

const PAGES = [
  { href: "/admin", label: "Overview" },
  { href: "/admin/orders", label: "Orders" },
  { href: "/admin/reviews", label: "Reviews" },
  { href: "/admin/dead-letters", label: "Dead letters" },
  { href: "/admin/inventory", label: "Inventory" },
  { href: "/admin/mailbox", label: "Mailbox" },
  { href: "/admin/services", label: "Services" },
  { href: "/admin/lab", label: "Lab" },
];

export function AdminNav() {
  const path = usePathname();
  const current = (href: string) => (href === "/admin" ? path === "/admin" : path.startsWith(href));
  return (
    <nav aria-label="Admin" className="-mx-1 flex gap-1 overflow-x-auto border-b pb-2">
      {PAGES.map((page) => (
        <Link
          key={page.href}
          href={page.href}
          aria-current={current(page.href) ? "page" : undefined}
          className={cn(
            "whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium outline-none hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50",
            current(page.href) ? "bg-accent text-accent-foreground" : "text-muted-foreground",
          )}
        >
          {page.label}
        </Link>
      ))}
    </nav>
  );
}
