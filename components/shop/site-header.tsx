import { CodeXmlIcon, PackageIcon } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { getCaller, getCurrentShopper } from "@/trpc/server";
import { CartLink } from "./cart-link";
import { SignOutButton } from "./sign-out-button";

const navLink = "whitespace-nowrap rounded-md px-2 py-1.5 text-sm font-medium hover:bg-accent outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50";

/** Brand, catalog, cart count, orders and the account controls; on every page. */
export async function SiteHeader() {
  const [shopper, cart] = await Promise.all([
    getCurrentShopper(),
    // A visitor without a session gets the empty cart (no query). With the database away the
    // count is left out rather than the page.
    getCaller()
      .then((caller) => caller.cart.get())
      .catch(() => null),
  ]);
  const signedIn = shopper !== null && !shopper.isAnonymous;
  return (
    <header className="border-b bg-background/95 supports-[backdrop-filter]:bg-background/80 sticky top-0 z-40 backdrop-blur">
      <div className="mx-auto flex h-14 max-w-6xl items-center gap-2 px-4">
        <Link href="/" className="mr-auto inline-flex items-center gap-2 font-semibold tracking-tight outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 rounded-md">
          <PackageIcon aria-hidden className="size-5" />
          {/* On the narrowest phones the word yields its room to the nav (a full cart and
              "Sign in" overflowed 375 px); it stays the link's name for screen readers. */}
          <span className="max-[400px]:sr-only">Conveyor</span>
        </Link>
        <nav aria-label="Main" className="flex items-center gap-0.5 sm:gap-1">
          {shopper?.role === "admin" && (
            <Link href="/admin" className={navLink}>
              Admin
            </Link>
          )}
          <Link href="/orders" className={navLink}>
            My orders
          </Link>
          {signedIn && (
            // Below 440 px the word gives way to an icon (the header overflowed 375 px); it stays the link's name.
            <Link href="/account/developers" className={`${navLink} inline-flex items-center gap-1`}>
              <CodeXmlIcon aria-hidden className="size-4 min-[440px]:hidden" />
              <span className="max-[440px]:sr-only">Developers</span>
            </Link>
          )}
          <CartLink renderedCount={cart?.item_count ?? 0} />
          {signedIn ? (
            <SignOutButton />
          ) : (
            <Button asChild variant="outline" size="sm">
              <Link href="/sign-in">Sign in</Link>
            </Button>
          )}
        </nav>
      </div>
    </header>
  );
}
