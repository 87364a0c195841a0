import { formatMoney } from "@/lib/money";
import { listProducts } from "@/server/catalog/list-products";
import { getDb } from "@/server/db/client";

export const dynamic = "force-dynamic";

/** Landing page: the catalog and where the API lives (the storefront builds on this). */
export default async function HomePage() {
  const products = await listProducts(getDb());
  return (
    <main>
      <h1>Conveyor</h1>
      <p>
        Orders are accepted synchronously and processed asynchronously: payment, stock, invoice, email and shipping run as
        jobs. Place orders with <code>POST /api/orders</code> and follow them with <code>GET /api/orders/&#123;id&#125;/events</code>.
      </p>
      <h2>Catalog</h2>
      <table aria-label="Catalog">
        <thead>
          <tr>
            <th>SKU</th>
            <th>Product</th>
            <th className="num">Price</th>
            <th className="num">In stock</th>
          </tr>
        </thead>
        <tbody>
          {products.map((p) => (
            <tr key={p.sku}>
              <td>
                <code>{p.sku}</code>
              </td>
              <td>{p.name}</td>
              <td className="num">{formatMoney(p.price_cents, p.currency)}</td>
              <td className="num">{p.in_stock.toLocaleString("en-US")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
