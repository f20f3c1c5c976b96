// Roles and the admin console end to end: a platform admin creates a second tenant (the
// tenant switcher appears and works) and a member user; the member cannot open the admin
// console (403 from the server, tRPC admin calls refused); a quota change shows in the
// audit log and over the admin REST endpoint.
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { e2eEnv, screenshotPath } from "./helpers/env";
import { restSubmit, seriousViolations, signInAdmin, signInAs } from "./helpers/dashboard";

test.describe.configure({ mode: "serial" });

const suffix = randomBytes(3).toString("hex");
const member = { email: `member-${suffix}@e2e.test`, password: `pw-${randomBytes(9).toString("hex")}` };
const secondSlug = `second-${suffix}`;

async function openAdmin(page: Page, tab: string) {
  await page.goto("/admin");
  await page.getByRole("navigation", { name: "Admin console" }).getByRole("link", { name: tab }).click();
}

test("a platform admin creates a second tenant and a member; the tenant switcher moves between tenants", async ({ page }) => {
  await signInAdmin(page);
  await openAdmin(page, "Tenants & quotas");
  await page.getByLabel("Slug").fill(secondSlug);
  await page.getByLabel("Name", { exact: true }).fill(`Second ${suffix}`);
  await page.getByRole("button", { name: "Create tenant" }).click();
  await expect(page.getByTestId("tenant-row").filter({ hasText: secondSlug })).toBeVisible();

  await openAdmin(page, "Users");
  await page.getByLabel("Email", { exact: true }).fill(member.email);
  await page.getByLabel("First password").fill(member.password);
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "created" })).toBeVisible();
  await page.getByLabel("User email").fill(member.email);
  await page.locator("#m-tenant").selectOption("demo");
  await page.locator("#m-role").selectOption("member");
  await page.getByRole("button", { name: "Save role" }).click();
  await expect(page.getByTestId("user-row").filter({ hasText: member.email })).toContainText("demo: member");

  // The admin now belongs to two tenants: the switcher appears and scopes everything.
  await page.goto("/jobs");
  const switcher = page.getByTestId("tenant-switcher");
  await expect(switcher).toBeVisible();
  await switcher.selectOption({ label: `Second ${suffix} (owner)` });
  await expect(page.getByText("No jobs yet")).toBeVisible();
  await expect(page.getByTestId("job-row")).toHaveCount(0);
  await page.getByTestId("tenant-switcher").selectOption({ label: "Demo (owner)" });
  await expect(page.getByTestId("job-row").first()).toBeVisible();
});

test("a member cannot open the admin console: 403 from the server and refused tRPC calls", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, member.email, member.password);
  // No link to it, no API keys or settings either.
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Jobs" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Admin console" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "API keys" })).toHaveCount(0);

  for (const path of ["/admin", "/admin/tenants", "/admin/tenants/demo", "/admin/audit", "/settings/api-keys"]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
  }
  await page.screenshot({ path: screenshotPath("admin-forbidden-for-member"), fullPage: true });
  expect(await seriousViolations(page)).toEqual([]);

  // The server refuses the admin procedures themselves, not just the pages.
  const list = await page.request.get("/api/trpc/admin.tenants");
  expect(list.status()).toBe(403);
  expect(JSON.stringify(await list.json())).toContain("FORBIDDEN");
  const change = await page.request.post("/api/trpc/admin.updateQuota", { data: { json: { slug: "demo", changes: { maxConcurrent: 1 } } } });
  expect(change.status()).toBe(403);
  const keys = await page.request.get("/api/trpc/apiKeys.list");
  expect(keys.status()).toBe(403);
  await context.close();
});

test("an admin changes a quota; the change is in the audit log and over the admin REST API", async ({ page, request }) => {
  const env = e2eEnv();
  await signInAdmin(page);
  await openAdmin(page, "Overview");
  await expect(page.getByRole("heading", { name: "Cluster" })).toBeVisible();
  await expect(page.getByText(/Live workers/)).toBeVisible();
  await openAdmin(page, "Workers");
  await expect(page.getByTestId("worker-row").filter({ hasText: "live" })).toHaveCount(2);

  await openAdmin(page, "Tenants & quotas");
  await page.getByTestId("tenant-row").filter({ hasText: "demo" }).getByRole("link", { name: "Quota" }).click();
  await expect(page.getByRole("heading", { name: "Quota of Demo" })).toBeVisible();
  // Client-side validation with the shared schema.
  await page.getByLabel("Min priority").fill("9");
  await page.getByLabel("Max priority").fill("3");
  await page.getByRole("button", { name: "Save quota" }).click();
  await expect(page.locator("#quota-minPriority-error")).toContainText("must not be greater than maxPriority");
  await page.getByLabel("Min priority").fill("0");
  await page.getByLabel("Max priority").fill("10");
  await page.getByLabel("Max concurrent tasks").fill("48");
  await page.getByRole("button", { name: "Save quota" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "Quota saved" })).toBeVisible();
  await expect(page.getByTestId("quota-audit-row").first()).toContainText("maxConcurrent: 64 → 48");

  await openAdmin(page, "Audit log");
  const entry = page.getByTestId("audit-row").filter({ hasText: "quota.update" }).first();
  await expect(entry).toContainText("maxConcurrent: 64 → 48");
  await expect(entry).toContainText(env.adminEmail);
  // Some load, so the console has something to show: running tasks and a backlog.
  const load = await restSubmit(request, env.apiKey, { handler: "sleep", name: "console-load", chunkSize: 1, input: { items: Array(160).fill(700) } });
  await openAdmin(page, "Overview");
  await expect(page.getByText("Throughput and latency")).toBeVisible();
  await expect(page.getByText("Tasks by pool / tenant")).toBeVisible({ timeout: 15_000 });
  await page.waitForTimeout(4_000);
  await page.screenshot({ path: screenshotPath("admin-console"), fullPage: true });
  await request.post(`${env.baseURL}/api/v1/jobs/${load.id}/cancel`, { headers: { authorization: `Bearer ${env.apiKey}` } });

  // The same quota over REST needs the admin scope, which only a platform admin can grant.
  const plain = await request.get(`${env.baseURL}/api/v1/admin/tenants/demo/quota`, { headers: { authorization: `Bearer ${env.apiKey}` } });
  expect(plain.status()).toBe(403);
  await page.goto("/settings/api-keys");
  await page.getByLabel("Name", { exact: true }).fill(`admin-${suffix}`);
  await page.getByRole("checkbox", { name: /^jobs:read/ }).uncheck();
  await page.getByRole("checkbox", { name: /^jobs:write/ }).uncheck();
  await page.getByRole("checkbox", { name: /^admin/ }).check();
  await page.getByRole("button", { name: "Create key" }).click();
  const adminKey = (await page.getByTestId("new-api-key").textContent())!.trim();
  const got = await request.get(`${env.baseURL}/api/v1/admin/tenants/demo/quota`, { headers: { authorization: `Bearer ${adminKey}` } });
  expect(got.status()).toBe(200);
  expect(await got.json()).toMatchObject({ tenant: { slug: "demo" }, maxConcurrent: 48 });
  const put = await request.put(`${env.baseURL}/api/v1/admin/tenants/demo/quota`, { headers: { authorization: `Bearer ${adminKey}` }, data: { maxConcurrent: 64 } });
  expect(put.status()).toBe(200);
  await openAdmin(page, "Audit log");
  await expect(page.getByTestId("audit-row").first()).toContainText("maxConcurrent: 48 → 64");
  await expect(page.getByTestId("audit-row").first()).toContainText("api_key:");
});
