import { AccountNav } from "@/components/account/account-nav";

/** Pages of a signed-in account; each page checks the session itself (guests are sent to sign in). */
export default function AccountLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <AccountNav />
      {children}
    </>
  );
}
