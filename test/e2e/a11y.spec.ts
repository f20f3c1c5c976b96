// Accessibility: every page of the dashboard and the admin console, scanned with axe-core
// (WCAG 2.1 A/AA and best practices) once loaded; no serious or critical violation may
// remain. Also screenshots at phone width, to look at.
import { expect, test, type Page } from "@playwright/test";
import { e2eEnv, screenshotPath } from "./helpers/env";
import { restSubmit, seriousViolations, signInAdmin, waitForJob } from "./helpers/dashboard";

async function settled(page: Page) {
  await page.waitForLoadState("load");
  // Skeletons announce themselves as role=status "Loading…"; wait until none is left.
  await expect(page.locator('[role="status"][aria-label^="Loading"]')).toHaveCount(0, { timeout: 15_000 });
  await page.waitForTimeout(300);
}

async function expectNoSeriousViolations(page: Page, what: string) {
  await settled(page);
  const violations = await seriousViolations(page);
  expect(violations, `${what}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

test("the sign-in page has no serious accessibility violations", async ({ page }) => {
  await page.goto("/login");
  await expectNoSeriousViolations(page, "/login");
});

test("every dashboard and admin page has no serious accessibility violations", async ({ page, request }) => {
  test.setTimeout(180_000);
  const env = e2eEnv();
  const job = await restSubmit(request, env.apiKey, { handler: "fail", name: "a11y-job", maxAttempts: 1, input: { items: [{ failTimes: 0 }, { failTimes: -1 }] } });
  await waitForJob(request, env.apiKey, job.id, (j) => j.status === "failed");
  await signInAdmin(page);
  const pages = ["/jobs", "/jobs/new", `/jobs/${job.id}`, "/usage", "/settings", "/settings/api-keys",
    "/admin", "/admin/tenants", "/admin/tenants/demo", "/admin/workers", "/admin/users", "/admin/audit"];
  for (const path of pages) {
    await page.goto(path);
    await expectNoSeriousViolations(page, path);
    const slug = path.replace(/^\//, "").replace(/[0-9a-f-]{36}/, "id").replace(/\//g, "-");
    await page.screenshot({ path: screenshotPath(`page-${slug}`), fullPage: true });
  }
  // The job page's other tabs and an open dialog.
  await page.goto(`/jobs/${job.id}`);
  for (const tab of [/Tasks/, /Dead letters/]) {
    await page.getByRole("tab", { name: tab }).click();
    await expectNoSeriousViolations(page, `job page, tab ${tab}`);
  }
  await page.getByRole("button", { name: "Discard" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await expectNoSeriousViolations(page, "discard dialog");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
});

test("pages stay usable at phone width", async ({ page, request }) => {
  const env = e2eEnv();
  const job = await restSubmit(request, env.apiKey, { handler: "sha256", name: "phone-width", input: { items: ["a", "b", "c"] } });
  await page.setViewportSize({ width: 390, height: 844 });
  await signInAdmin(page);
  await settled(page);
  // No horizontal scrolling of the page itself (wide tables scroll inside their card).
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(await overflow()).toBeLessThanOrEqual(0);
  await page.screenshot({ path: screenshotPath("phone-jobs"), fullPage: true });
  await page.getByRole("button", { name: "Menu" }).click();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Usage" })).toBeVisible();
  await page.screenshot({ path: screenshotPath("phone-menu") });
  await page.keyboard.press("Escape");
  await page.goto(`/jobs/${job.id}`);
  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 30_000 });
  await settled(page);
  expect(await overflow()).toBeLessThanOrEqual(0);
  await expectNoSeriousViolations(page, "job page at phone width");
  await page.screenshot({ path: screenshotPath("phone-job-page"), fullPage: true });
});
