// API keys end to end: create one in the dashboard (secret shown once), use it from the
// test to submit over REST, see the job in the list and the key's last use, revoke it in
// the dashboard, and get 401 on the very next request.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { e2eEnv, screenshotPath } from "./helpers/env";
import { signInAdmin } from "./helpers/dashboard";

test("create a key, submit with it over REST, see the job, revoke it and get 401", async ({ page, request }) => {
  const env = e2eEnv();
  await signInAdmin(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API keys" }).click();
  await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();

  const keyName = `e2e-${randomBytes(3).toString("hex")}`;
  await page.getByLabel("Name", { exact: true }).fill(keyName);
  await page.getByLabel("Expires").selectOption("30");
  // Platform admins may grant `admin`; this key does not need it.
  await expect(page.getByRole("checkbox", { name: /^admin/ })).toBeVisible();
  await page.getByRole("button", { name: "Create key" }).click();
  const secretBox = page.getByTestId("new-api-key");
  await expect(secretBox).toBeVisible();
  const secret = (await secretBox.textContent())!.trim();
  expect(secret.length).toBeGreaterThan(20);
  await expect(page.getByRole("button", { name: "Copy key" })).toBeVisible();
  await page.screenshot({ path: screenshotPath("api-keys"), fullPage: true });

  // Use it from the test, as a client would.
  const jobName = `via-new-key-${randomBytes(3).toString("hex")}`;
  const created = await request.post(`${env.baseURL}/api/v1/jobs`, {
    headers: { authorization: `Bearer ${secret}` },
    data: { handler: "echo", name: jobName, input: { items: ["k1", "k2"] } },
  });
  expect(created.status()).toBe(201);

  // Dismissed, the secret is gone for good; the list shows prefix, creator and last use.
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("new-api-key")).toHaveCount(0);
  await page.reload();
  const row = page.getByTestId("api-key-row").filter({ hasText: keyName });
  // Keys look like fo_<8-char prefix>_<secret>: the list shows the prefix only.
  await expect(row).toContainText(secret.slice(3, 11));
  await expect(row).toContainText(env.adminEmail);
  await expect(row.getByText(/just now|s ago/)).toBeVisible();
  await expect(page.locator("body")).not.toContainText(secret);
  await page.screenshot({ path: screenshotPath("api-keys-list"), fullPage: true });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Jobs" }).click();
  await expect(page.getByTestId("job-row").filter({ hasText: jobName })).toBeVisible();

  // Revoke: the next request with the key is refused.
  await page.goto("/settings/api-keys");
  await page.getByTestId("api-key-row").filter({ hasText: keyName }).getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "revoked" })).toBeVisible();
  await expect(page.getByTestId("api-key-row").filter({ hasText: keyName })).toContainText("revoked");
  const refused = await request.get(`${env.baseURL}/api/v1/jobs`, { headers: { authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe("unauthorized");
});
