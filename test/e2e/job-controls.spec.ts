// Job controls from the job page: pause shows why the job is not running and resume
// finishes it, cancel stops it; and a job submitted from an uploaded NDJSON file.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { e2eEnv } from "./helpers/env";
import { restSubmit, signInAdmin } from "./helpers/dashboard";

test("pause explains why the job waits, resume finishes it, cancel stops another", async ({ page, request }) => {
  test.setTimeout(90_000);
  const env = e2eEnv();
  await signInAdmin(page);
  const slow = await restSubmit(request, env.apiKey, { handler: "sleep", name: `pausable-${randomBytes(3).toString("hex")}`, chunkSize: 1, input: { items: Array(96).fill(1000) } });
  await page.goto(`/jobs/${slow.id}`);
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByRole("button", { name: "Resume" })).toBeVisible();
  // Once the running tasks are done, the page says why nothing runs (live, no reload).
  const why = page.getByTestId("waiting-reason");
  await expect(why).toContainText("Why isn't it running?", { timeout: 20_000 });
  await expect(why).toContainText("paused");
  const before = Number(await page.getByTestId("count-succeeded").textContent());
  expect(before).toBeLessThan(96);
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 40_000 });
  await expect(why).toHaveCount(0);

  const doomed = await restSubmit(request, env.apiKey, { handler: "sleep", name: `cancel-me-${randomBytes(3).toString("hex")}`, chunkSize: 1, input: { items: Array(320).fill(1000) } });
  await page.goto(`/jobs/${doomed.id}`);
  await page.getByRole("button", { name: "Cancel job" }).click();
  const dialog = page.getByRole("dialog", { name: "Cancel this job?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel job" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("cancelled");
  await expect(page.getByRole("button", { name: "Pause" })).toHaveCount(0);
});

test("a job submitted from an uploaded NDJSON file", async ({ page }) => {
  await signInAdmin(page);
  await page.goto("/jobs/new");
  await page.getByLabel("Upload a file").check();
  const lines = ["alpha", "beta", { n: 3 }, [4], 5].map((x) => JSON.stringify(x)).join("\n");
  await page.getByLabel("Items file").setInputFiles({ name: "items.ndjson", mimeType: "application/x-ndjson", buffer: Buffer.from(lines + "\n") });
  await expect(page.getByText("5 items read from items.ndjson.")).toBeVisible();
  await page.getByLabel("Handler").selectOption("echo");
  await page.getByLabel("Idempotency key (optional)").fill(`upload-${randomBytes(4).toString("hex")}`);
  await page.getByRole("button", { name: "Submit job" }).click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 30_000 });
  await expect(page.getByTestId("result-output")).toHaveText(["alpha", "beta", '{"n":3}', "[4]", "5"]);

  // A broken line is named before anything is sent.
  await page.goto("/jobs/new");
  await page.getByLabel("Upload a file").check();
  await page.getByLabel("Items file").setInputFiles({ name: "bad.ndjson", mimeType: "application/x-ndjson", buffer: Buffer.from('"ok"\n{broken\n') });
  await expect(page.locator("#input-file-error")).toContainText("Line 2");
});
