// The job page end to end: submit from the form, watch the progress bar move and finish
// by itself (server-sent events, no reload, no polling of the job), open the results and
// download them, and redrive one dead-letter group while another stays dead.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { e2eEnv, screenshotPath } from "./helpers/env";
import { restSubmit, signInAdmin, waitForJob } from "./helpers/dashboard";

test("submit from the form, watch live progress to the end, then open and download the results", async ({ page }) => {
  test.setTimeout(120_000);
  // Server HTML and the browser's first render must agree (React reports mismatches as errors).
  const browserErrors: string[] = [];
  page.on("console", (m) => m.type() === "error" && browserErrors.push(m.text()));
  page.on("pageerror", (e) => browserErrors.push(e.message));
  await signInAdmin(page);
  await page.getByRole("main").getByRole("link", { name: "New job" }).click();
  await expect(page.getByRole("heading", { name: "New job" })).toBeVisible();

  const name = `ui-sleep-${randomBytes(3).toString("hex")}`;
  const items = Array.from({ length: 80 }, () => 1000);
  await page.getByLabel("Name (optional)").fill(name);
  await page.getByLabel("Handler").selectOption("sleep");
  await page.getByLabel("Items", { exact: true }).fill(JSON.stringify(items));
  await page.getByLabel("Chunk size").fill("1");
  await page.getByLabel("Labels (optional)").fill("suite=e2e, kind=live");

  // Record how the page talks to the server from here on.
  const jobGets: string[] = [];
  const eventStreams: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/trpc/") && r.url().includes("jobs.get")) jobGets.push(r.url());
    if (r.url().includes("/events")) eventStreams.push(r.url());
  });
  await page.getByRole("button", { name: "Submit job" }).click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  let loads = 0;
  page.on("load", () => loads++);

  // Sample the bar while it runs: it must pass through values strictly between 0 and 80.
  const bar = page.getByRole("progressbar", { name: "Job progress" });
  const seen = new Set<number>();
  let midShot = false;
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    const now = Number(await bar.getAttribute("aria-valuenow"));
    seen.add(now);
    if (!midShot && now > 0 && now < items.length) {
      await page.screenshot({ path: screenshotPath("job-page-mid-run") });
      midShot = true;
    }
    if (now === items.length) break;
    await page.waitForTimeout(100);
  }
  const intermediate = [...seen].filter((v) => v > 0 && v < items.length);
  console.log(`[live] progress values seen without reload: ${[...seen].sort((a, b) => a - b).join(", ")}`);
  expect(intermediate.length, `values seen: ${[...seen].sort((a, b) => a - b).join(",")}`).toBeGreaterThan(0);
  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 30_000 });
  await expect(page.getByTestId("count-succeeded")).toHaveText("80");
  await expect(page.getByTestId("live-state")).toContainText("Finished");
  expect(loads).toBe(0);
  expect(eventStreams.length).toBeGreaterThan(0);
  // Progress came over the event stream: the job itself was not polled.
  expect(jobGets.length).toBeLessThanOrEqual(1);

  expect(browserErrors.filter((e) => /hydrat|#418|#423|#425/i.test(e)), browserErrors.join("\n")).toEqual([]);

  // Charts and the results preview.
  await expect(page.getByText("Task run time")).toBeVisible();
  await expect(page.getByTestId("result-output").first()).toHaveText("1000");
  await expect(page.getByTestId("result-row")).toHaveCount(50);
  await page.getByRole("button", { name: "Next" }).last().click();
  await expect(page.getByTestId("result-row")).toHaveCount(30);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshotPath("job-page-finished"), fullPage: true });

  // Downloads stream every result with the session's cookie.
  const id = page.url().split("/").pop()!;
  const ndjson = await page.request.get(`/api/jobs/${id}/results?format=ndjson`);
  expect(ndjson.headers()["content-disposition"]).toContain(`job-${id}-results.ndjson`);
  const lines = (await ndjson.text()).trim().split("\n").map((l) => JSON.parse(l));
  expect(lines).toHaveLength(80);
  expect(lines[79]).toEqual({ index: 79, status: "succeeded", output: 1000 });
  const json = await (await page.request.get(`/api/jobs/${id}/results?format=json`)).json();
  expect(json).toHaveLength(80);

  // The Tasks tab shows attempt, worker and duration.
  await page.getByRole("tab", { name: /Tasks/ }).click();
  await expect(page.getByTestId("task-row").first()).toContainText("done");
  await expect(page.getByTestId("task-row").first()).toContainText(/worker-/);

  // The label filter finds it in the list.
  await page.goto("/jobs?label=kind%3Dlive");
  await expect(page.getByTestId("job-row").filter({ hasText: name })).toBeVisible();
  await page.getByRole("button", { name: "cancelled", exact: true }).click();
  await expect(page.getByText("No jobs match these filters")).toBeVisible();
});

test("dead letters are grouped by error; redriving one group re-runs only its items", async ({ page, request }) => {
  const env = e2eEnv();
  // Task #0 holds two items that always fail (one group); task #1 a success and a malformed item (another group).
  const job = await restSubmit(request, env.apiKey, {
    handler: "fail", name: `dead-${randomBytes(3).toString("hex")}`, maxAttempts: 1, chunkSize: 2,
    input: { items: [{ failTimes: -1 }, { failTimes: -1 }, { failTimes: 0 }, "not an object"] },
  });
  await waitForJob(request, env.apiKey, job.id, (j) => j.status === "failed");

  await signInAdmin(page);
  await page.goto(`/jobs/${job.id}`);
  await expect(page.getByTestId("count-dead")).toHaveText("3");
  await page.getByRole("tab", { name: /Tasks/ }).click();
  const taskRow = (seq: number) => page.getByTestId("task-row").filter({ hasText: `#${seq}` });
  await expect(taskRow(0).locator("td").nth(3)).toHaveText("1");
  await page.getByRole("tab", { name: /Dead letters/ }).click();
  const groups = page.getByTestId("dead-letter-group");
  await expect(groups).toHaveCount(2);
  const asInstructed = groups.filter({ hasText: "failed as instructed" });
  await expect(asInstructed.locator("td").nth(1)).toHaveText("2");
  await asInstructed.getByRole("button", { name: "Redrive 2" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "back to work" })).toBeVisible();

  // Only task #0 ran again (a fresh attempt budget, so its always-failing items die again);
  // task #1, whose dead item belongs to the other group, was not touched.
  await page.getByRole("tab", { name: /Tasks/ }).click();
  await expect(taskRow(0).locator("td").nth(3)).toHaveText("2", { timeout: 30_000 });
  await expect(taskRow(1).locator("td").nth(3)).toHaveText("1");
  await expect(page.getByTestId("job-status")).toHaveText("failed", { timeout: 30_000 });
  await expect(page.getByTestId("count-dead")).toHaveText("3");
  const failures = await request.get(`${env.baseURL}/api/v1/jobs/${job.id}/dead-letters`, { headers: { authorization: `Bearer ${env.apiKey}` } });
  expect(((await failures.json()) as { data: { index: number }[] }).data.map((d) => d.index)).toEqual([0, 1, 3]);
});
