import { SearchXIcon } from "lucide-react";
import { EmptyState } from "@/components/shop/empty-state";

/** Also what someone else's order looks like: existence is never revealed. */
export default function NotFound() {
  return (
    <EmptyState
      as="h1"
      icon={SearchXIcon}
      title="Page not found"
      body="We could not find what you were looking for. If you followed a link to an order, make sure you are signed in with the account that placed it."
      actions={[
        { href: "/", label: "Back to the shop" },
        { href: "/orders", label: "My orders" },
      ]}
    />
  );
}
