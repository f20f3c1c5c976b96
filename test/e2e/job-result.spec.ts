// The job page's Result card (DESIGN §7): a live partial while the job runs that turns final
// by itself when it finishes, and a sum that leaves non-numeric outputs out and says so.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { e2eEnv, screenshotPath } from "./helpers/env";
import { restSubmit, seriousViolations, signInAdmin, waitForJob } from "./helpers/dashboard";

const tag = () => randomBytes(3).toString("hex");

test("the result card moves from a live partial to the final value without a reload", async ({ page, request }) => {
  const env = e2eEnv();
  // sleep declares sum as its reducer: 48 items of a second, one per task, so it runs for
  // several seconds across the workers' slots (signed in first: the page opens mid-run).
  await signInAdmin(page);
  const job = await restSubmit(request, env.apiKey, { handler: "sleep", name: `reduce-live-${tag()}`, chunkSize: 1, input: { items: Array(48).fill(1000) } });
  await page.goto(`/jobs/${job.id}`);
  const card = page.getByTestId("job-result");
  await expect(card).toContainText("Sum of the succeeded items' outputs");
  await expect(card.getByText("Live partial")).toBeVisible();
  let loads = 0;
  page.on("load", () => loads++);
  await expect(card.getByText("Final")).toBeVisible({ timeout: 45_000 });
  await expect(card.getByTestId("result-value")).toHaveText("48,000");
  await expect(card).toContainText("Over 48 numeric outputs");
  expect(loads).toBe(0);
});

test("a sum chosen on the form skips non-numeric outputs and says how many", async ({ page, request }) => {
  const env = e2eEnv();
  await signInAdmin(page);
  await page.goto("/jobs/new");
  await page.getByLabel("Handler").selectOption("echo");
  await page.getByLabel("Reduce").selectOption("sum");
  await page.getByLabel("Items", { exact: true }).fill(JSON.stringify([1, "a", 2.5, null, 4]));
  await page.getByLabel("Chunk size").fill("2");
  await page.getByRole("button", { name: "Submit job" }).click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop()!;
  const done = await waitForJob(request, env.apiKey, id, (j) => j.status === "succeeded");
  expect((done as unknown as { result: unknown }).result).toEqual({ reducer: "sum", value: 7.5, count: 3, skipped: 2, truncated: false, final: true });
  const card = page.getByTestId("job-result");
  await expect(card.getByText("Final")).toBeVisible();
  await expect(card.getByTestId("result-value")).toHaveText("7.5");
  await expect(card.getByTestId("result-skipped")).toHaveText("2 skipped (not numbers)");
  await card.screenshot({ path: screenshotPath("job-result-card") });
  expect(await seriousViolations(page)).toEqual([]);
});
