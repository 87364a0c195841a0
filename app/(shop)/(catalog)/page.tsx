import Link from "next/link";
import { AddToCartButton } from "@/components/shop/add-to-cart-button";
import { ProductArt } from "@/components/shop/product-art";
import { StockBadge } from "@/components/shop/stock-badge";
import { Card, CardContent, CardFooter } from "@/components/ui/card";
import { formatMoney } from "@/lib/money";
import { getCaller } from "@/trpc/server";

export const dynamic = "force-dynamic";

/** The catalog: a server component; only the add-to-cart buttons run in the browser. */
export default async function CatalogPage() {
  const products = await (await getCaller()).catalog.list();
  return (
    <div className="grid gap-6">
      <div className="grid gap-2">
        <h1 className="text-3xl font-semibold tracking-tight">Shop</h1>
        <p className="max-w-prose text-muted-foreground">Well-made things, shipped fast. Check out as a guest and follow your order live, from payment to your door.</p>
      </div>
      {products.length === 0 ? (
        <p className="rounded-lg border border-dashed p-10 text-center text-muted-foreground">The shelves are empty right now. Please check back soon.</p>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Products">
          {products.map((p) => (
            <li key={p.sku}>
              <Card data-sku={p.sku} data-stock={p.in_stock} className="h-full gap-4 py-4">
                <CardContent className="grid gap-3 px-4">
                  <Link href={`/products/${p.sku}`} tabIndex={-1} aria-hidden>
                    <ProductArt sku={p.sku} />
                  </Link>
                  <div className="flex items-start justify-between gap-3">
                    <h2 className="text-lg font-semibold leading-tight">
                      <Link href={`/products/${p.sku}`} className="hover:underline underline-offset-4 outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 rounded-sm">
                        {p.name}
                      </Link>
                    </h2>
                    <p className="tabular font-semibold">{formatMoney(p.price_cents, p.currency)}</p>
                  </div>
                  <p className="text-sm text-muted-foreground">{p.description}</p>
                </CardContent>
                <CardFooter className="mt-auto flex flex-wrap items-center justify-between gap-2 px-4">
                  <StockBadge units={p.in_stock} />
                  <AddToCartButton sku={p.sku} name={p.name} />
                </CardFooter>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
