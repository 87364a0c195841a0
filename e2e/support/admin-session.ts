import { expect, type Page } from "@playwright/test";

/** Signs the page in as the seeded admin (ADMIN_EMAIL / ADMIN_PASSWORD defaults) and waits for the overview. */
export async function signInAsAdmin(page: Page, baseURL: string): Promise<void> {
  await page.goto(`${baseURL}/sign-in?next=/admin`);
  await page.getByRole("textbox", { name: "Email" }).fill("admin@conveyor.local");
  await page.getByLabel("Password").fill("conveyor-admin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Pipeline overview" })).toBeVisible();
}
