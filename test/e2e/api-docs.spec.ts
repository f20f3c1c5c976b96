// The API reference page renders the generated OpenAPI document offline: every request
// the page makes stays on our own origin (no CDN, no swagger validator badge).
import { expect, test } from "@playwright/test";
import { screenshotPath } from "./helpers/env";

test("/docs/api renders every operation from /api/v1/openapi.json without leaving the origin", async ({ page, baseURL }) => {
  const foreign: string[] = [];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (!["data:", "blob:"].includes(u.protocol) && u.origin !== new URL(baseURL!).origin) foreign.push(r.url());
  });
  const doc = (await (await page.request.get("/api/v1/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.values(doc.paths).reduce((n, p) => n + Object.keys(p).length, 0);

  await page.goto("/docs/api");
  await expect(page.getByRole("heading", { name: "Fanout REST API" })).toBeVisible();
  await expect(page.locator(".opblock")).toHaveCount(operations, { timeout: 20_000 });
  await expect(page.locator(".opblock-summary-description", { hasText: "Create a job" })).toBeVisible();
  await expect(page.locator(".opblock-summary-description", { hasText: "Lease tasks (long poll)" })).toBeVisible();
  // Open one operation: its request body schema comes from the zod schema.
  await page.locator(".opblock-summary", { hasText: "/api/v1/jobs" }).filter({ hasText: "Create a job" }).click();
  await expect(page.getByText("Idempotency-Key").first()).toBeVisible();
  await page.screenshot({ path: screenshotPath("api-docs.png"), fullPage: false });
  expect(foreign).toEqual([]);
});
