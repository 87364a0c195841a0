import { expect, test } from "@playwright/test";
import { useStack } from "../support/stack";

const stack = useStack();

test("the home page shows the seeded catalog with server prices", async ({ page }) => {
  await page.goto(stack().baseURL);
  await expect(page.getByRole("heading", { name: "Conveyor", level: 1 })).toBeVisible();
  const catalog = page.getByRole("table", { name: "Catalog" });
  await expect(catalog.getByRole("row", { name: /WIDGET-42\s+Widget\s+\$24\.99/ })).toBeVisible();
  await expect(catalog.getByRole("row", { name: /GADGET-7\s+Gadget\s+\$12\.50/ })).toBeVisible();
  await expect(catalog.getByRole("row", { name: /LIMITED-1.*\s3$/ })).toBeVisible();
});
