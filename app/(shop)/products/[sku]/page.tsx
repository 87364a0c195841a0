import type { Metadata } from "next";
import { ArrowLeftIcon } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AddToCartButton } from "@/components/shop/add-to-cart-button";
import { ProductArt } from "@/components/shop/product-art";
import { StockBadge } from "@/components/shop/stock-badge";
import { formatMoney } from "@/lib/money";
import { getCaller } from "@/trpc/server";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ sku: string }> };

async function productOf(params: Props["params"]) {
  return (await getCaller()).catalog.get({ sku: decodeURIComponent((await params).sku) });
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const product = await productOf(params);
  return { title: product?.name ?? "Not found" };
}

export default async function ProductPage({ params }: Props) {
  const product = await productOf(params);
  if (!product) notFound();
  return (
    <div className="grid gap-6">
      <Link href="/" className="inline-flex w-fit items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ArrowLeftIcon aria-hidden className="size-4" /> All products
      </Link>
      <div data-sku={product.sku} data-stock={product.in_stock} className="grid gap-8 md:grid-cols-2">
        <ProductArt sku={product.sku} className="shadow-sm" />
        <div className="grid content-start gap-4">
          <h1 className="text-3xl font-semibold tracking-tight">{product.name}</h1>
          <p className="tabular text-2xl font-semibold">{formatMoney(product.price_cents, product.currency)}</p>
          <StockBadge units={product.in_stock} className="w-fit" />
          <p className="text-muted-foreground">{product.description}</p>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-muted-foreground">SKU</dt>
            <dd className="font-mono">{product.sku}</dd>
            <dt className="text-muted-foreground">Shipping</dt>
            <dd>Ships as soon as payment clears; follow it live in My orders.</dd>
          </dl>
          <div>
            <AddToCartButton sku={product.sku} name={product.name} size="lg" />
          </div>
        </div>
      </div>
    </div>
  );
}
