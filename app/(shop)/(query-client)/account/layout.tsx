import { AccountNav } from "@/components/account/account-nav";

/** Pages of a signed-in account; each page checks the session itself (guests are sent to sign in). */
export default function AccountLayout({ children }: { children: React.ReactNode }) {
  return (
    // One column for the nav and every account page, so they line up at any width.
    <div className="mx-auto max-w-4xl">
      <AccountNav />
      {children}
    </div>
  );
}
