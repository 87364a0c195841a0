import { expect, test } from "../support/fixtures";
import { eq } from "drizzle-orm";
import { shoppers } from "@/server/db/schema";
import { addToCart } from "../support/shop";

// Each test keeps to its own shopper and orders: they run on any worker, in any order.
test.describe.configure({ mode: "parallel" });

test("a visitor becomes a guest shopper on their first cart line, with an httpOnly session cookie and a usr_ id", async ({ stack, page, context }) => {
  await page.goto(stack.baseURL);
  // Looking around makes nobody: no cookie, no shopper (docs/decisions/026-lazy-guests-and-sign-in-limits.md).
  expect((await context.cookies()).find((c) => c.name.endsWith("session_token"))).toBeUndefined();
  await addToCart(page, stack, "Widget");
  const cookie = (await context.cookies()).find((c) => c.name.endsWith("session_token"));
  expect(cookie?.httpOnly).toBe(true);
  const me = await page.request.get(`${stack.baseURL}/api/auth/get-session`);
  const session = await me.json();
  expect(session.user.id).toMatch(/^usr_[a-z0-9]{20}$/);
  expect(session.user.isAnonymous).toBe(true);
  const [row] = await stack.db.select().from(shoppers).where(eq(shoppers.id, session.user.id));
  expect(row?.isAnonymous).toBe(true);
});

test("the session cookie authenticates REST like an API key, and cross-site mutations are refused", async ({ stack, page }) => {
  await addToCart(page, stack, "Gadget");
  const listed = await page.request.get(`${stack.baseURL}/api/orders`);
  expect(listed.status()).toBe(200);
  expect((await listed.json()).data).toEqual([]);

  const body = { items: [{ sku: "WIDGET-42", quantity: 1 }], payment_method: "pm_visa_4242" };
  const sameSite = await page.request.post(`${stack.baseURL}/api/orders`, { data: body, headers: { Origin: stack.baseURL } });
  expect(sameSite.status()).toBe(202);
  const crossSite = await page.request.post(`${stack.baseURL}/api/orders`, { data: body, headers: { Origin: "https://evil.example" } });
  expect(crossSite.status()).toBe(403);
  const noOrigin = await page.request.post(`${stack.baseURL}/api/trpc/cart.add`, { data: { sku: "WIDGET-42" } });
  expect(noOrigin.status()).toBe(403);
  const form = await page.request.post(`${stack.baseURL}/api/orders`, { form: { sku: "WIDGET-42" }, headers: { Origin: stack.baseURL } });
  expect(form.status()).toBe(415);
  expect((await (await page.request.get(`${stack.baseURL}/api/orders`)).json()).data).toHaveLength(1);
});

test("the seeded admin signs in with the development credentials and has the admin role", async ({ stack, page }) => {
  await page.goto(`${stack.baseURL}/sign-in`);
  await page.getByRole("textbox", { name: "Email" }).fill("admin@conveyor.local");
  await page.getByLabel("Password").fill("conveyor-admin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  const session = await (await page.request.get(`${stack.baseURL}/api/auth/get-session`)).json();
  expect(session.user.role).toBe("admin");
  expect(session.user.id).toMatch(/^usr_/);
});

test("a wrong password is refused with a message", async ({ stack, page }) => {
  await page.goto(`${stack.baseURL}/sign-in`);
  await page.getByRole("textbox", { name: "Email" }).fill("admin@conveyor.local");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("do not match");
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
});
