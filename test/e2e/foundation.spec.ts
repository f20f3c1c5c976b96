// The foundation loop through the real system: sign in, submit a sha256 job from the UI,
// watch it finish live (no reload) with the right hashes, and see a REST-submitted job
// in the list.
import { createHash, randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { e2eEnv, screenshotPath } from "./helpers/env";

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

async function signIn(page: Page) {
  const env = e2eEnv();
  await page.goto("/jobs");
  // Unauthenticated visitors are sent to the sign-in page.
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Email").fill(env.adminEmail);
  await page.getByLabel("Password").fill(env.adminPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/jobs$/);
  await expect(page.getByRole("heading", { name: "Jobs" })).toBeVisible();
}

test("a wrong password is refused with a message", async ({ page }) => {
  const env = e2eEnv();
  await page.goto("/login");
  await page.getByLabel("Email").fill(env.adminEmail);
  await page.getByLabel("Password").fill("definitely-not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  // (Next's route announcer is also role=alert, hence the filter.)
  await expect(page.getByRole("alert").filter({ hasText: /wrong email or password/i })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test("submit a sha256 job from the dashboard and watch it succeed live", async ({ page }) => {
  await signIn(page);
  await page.getByRole("main").getByRole("link", { name: "New job" }).click();
  await expect(page.getByRole("heading", { name: "New job" })).toBeVisible();

  const items = ["alpha", "beta", "gamma", "delta", "épsilon ✓"];
  const name = `ui-sha-${randomBytes(3).toString("hex")}`;
  await page.getByLabel("Name (optional)").fill(name);
  await page.getByLabel("Handler").selectOption("sha256");
  // Client-side validation with the shared schema names the field at fault.
  await page.getByLabel("Items", { exact: true }).fill("[]");
  await page.getByRole("button", { name: "Submit job" }).click();
  await expect(page.locator("#input-items-error")).toContainText("at least one item");
  await page.screenshot({ path: screenshotPath("foundation-new-job-invalid"), fullPage: true });
  await page.getByLabel("Items", { exact: true }).fill(JSON.stringify(items));
  await page.getByLabel("Chunk size").fill("2");
  await page.getByRole("button", { name: "Submit job" }).click();

  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  // From here on the page must update by itself: any full load fails the test.
  let loads = 0;
  page.on("load", () => loads++);

  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 30_000 });
  await expect(page.getByTestId("count-succeeded")).toHaveText(String(items.length));
  await expect(page.getByTestId("count-dead")).toHaveText("0");
  await expect(page.getByRole("progressbar", { name: "Job progress" })).toHaveAttribute("aria-valuenow", String(items.length));
  await expect(page.getByTestId("result-output")).toHaveText(items.map(sha256));
  expect(loads).toBe(0);
  await page.screenshot({ path: screenshotPath("foundation-job-detail"), fullPage: true });
});

test("a job submitted over REST with the API key shows up in the list", async ({ page, request }) => {
  const env = e2eEnv();
  const name = `rest-echo-${randomBytes(3).toString("hex")}`;
  const res = await request.post(`${env.baseURL}/api/v1/jobs`, {
    headers: { authorization: `Bearer ${env.apiKey}`, "content-type": "application/json" },
    data: { handler: "echo", name, input: { items: [1, 2, 3] } },
  });
  expect(res.status()).toBe(201);
  const job = (await res.json()) as { id: string; name: string };
  expect(job.name).toBe(name);

  // The REST error contract holds end to end through Next.
  const bad = await request.post(`${env.baseURL}/api/v1/jobs`, {
    headers: { authorization: `Bearer ${env.apiKey}`, "content-type": "application/json" },
    data: { handler: "echo", input: { items: [] } },
  });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatchObject({ code: "invalid_field", field: "input.items" });
  expect((await request.get(`${env.baseURL}/api/v1/jobs/${job.id}`)).status()).toBe(401);

  await signIn(page);
  const row = page.getByTestId("job-row").filter({ hasText: name });
  await expect(row).toBeVisible();
  await page.screenshot({ path: screenshotPath("foundation-jobs-list"), fullPage: true });
  await row.getByRole("link", { name }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${job.id}$`));
  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 30_000 });
});

test("a deep link survives sign-in, and signing out locks the dashboard again", async ({ page, request }) => {
  const env = e2eEnv();
  const res = await request.post(`${env.baseURL}/api/v1/jobs`, {
    headers: { authorization: `Bearer ${env.apiKey}` },
    data: { handler: "noop", input: { range: { from: 0, to: 100 } } },
  });
  expect(res.status()).toBe(201);
  const { id } = (await res.json()) as { id: string };

  await page.goto(`/jobs/${id}`);
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
  await page.getByLabel("Email").fill(env.adminEmail);
  await page.getByLabel("Password").fill(env.adminPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${id}$`));
  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 30_000 });
  await expect(page.getByTestId("count-total")).toHaveText("100");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/jobs");
  await expect(page).toHaveURL(/\/login/);
});
