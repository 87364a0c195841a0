import Link from "next/link";

/** Rendered with HTTP 403 by forbidden(): a signed-in shopper opened an admin page. */
export default function Forbidden() {
  return (
    <div className="mx-auto grid max-w-md gap-3 py-16 text-center">
      <p className="text-sm font-medium text-muted-foreground">403</p>
      <h1 className="text-2xl font-semibold tracking-tight">Admins only</h1>
      <p className="text-muted-foreground">This part of Conveyor is for the shop&apos;s admins. Your account can shop and follow its orders.</p>
      <p>
        <Link href="/" className="font-medium underline underline-offset-4">
          Back to the shop
        </Link>
      </p>
    </div>
  );
}
