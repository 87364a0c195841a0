/**
 * `?next=` after sign-in and sign-up is followed only to a path on this site. The payloads
 * passed the old string check (starts with "/", not "//") yet the browser reads them as
 * `//example.com`: a backslash counts as a slash, and a tab is dropped.
 */
import { expect, test } from "../support/fixtures";

// Each test keeps to its own shopper and orders: they run on any worker, in any order.
test.describe.configure({ mode: "parallel" });

const PAYLOADS = ["/%5Cexample.com", "/%09/example.com"];
let accounts = 0;

for (const payload of PAYLOADS) {
  test(`signing in with ?next=${payload} stays on this site`, async ({ stack, page }) => {
    await page.goto(`${stack.baseURL}/sign-in?next=${payload}`);
    await page.getByRole("textbox", { name: "Email" }).fill("admin@conveyor.local");
    await page.getByLabel("Password").fill("conveyor-admin");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    expect(new URL(page.url()).origin).toBe(stack.baseURL);
  });

  test(`signing up with ?next=${payload} stays on this site`, async ({ stack, page }) => {
    await page.goto(`${stack.baseURL}/sign-up?next=${payload}`);
    await page.getByRole("textbox", { name: "Email" }).fill(`redirect${++accounts}.${Date.now()}@example.test`);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    expect(new URL(page.url()).origin).toBe(stack.baseURL);
  });
}

test("a path on this site is still followed after sign-in", async ({ stack, page }) => {
  await page.goto(`${stack.baseURL}/sign-in?next=${encodeURIComponent("/orders")}`);
  await page.getByRole("textbox", { name: "Email" }).fill("admin@conveyor.local");
  await page.getByLabel("Password").fill("conveyor-admin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${stack.baseURL}/orders`);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});
