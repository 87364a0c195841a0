import { forbidden, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin/admin-nav";
import { TRPCReactProvider } from "@/trpc/client";
import { getCurrentShopper } from "@/trpc/server";

export const dynamic = "force-dynamic";
export const metadata = { title: { default: "Admin", template: "%s · Admin · Conveyor" } };

/**
 * Every /admin page passes here: a guest is sent to sign in, a shopper gets a 403 page. The
 * data behind the pages is guarded again by the admin procedures themselves.
 */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const shopper = await getCurrentShopper();
  if (!shopper || shopper.isAnonymous) redirect("/sign-in?next=/admin");
  if (shopper.role !== "admin") forbidden();
  return (
    // Grid items may shrink below their content's width (tables scroll inside their cards),
    // so a wide table never widens the page on a phone.
    <div className="grid grid-cols-[minmax(0,1fr)] gap-6 [&_.grid>*]:min-w-0">
      <AdminNav />
      <TRPCReactProvider>{children}</TRPCReactProvider>
    </div>
  );
}
