// Shared steps for the dashboard specs: sign in as anyone, call REST with a key, wait for
// a job, and run an axe-core scan (injected from axe-core's own axe.min.js).
import fs from "node:fs";
import { createRequire } from "node:module";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { e2eEnv } from "./env";

export async function signInAs(page: Page, email: string, password: string, landing: RegExp = /\/jobs$/) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(landing);
}

export const signInAdmin = (page: Page) => signInAs(page, e2eEnv().adminEmail, e2eEnv().adminPassword);

export interface JobBody { id: string; name: string; status: string; progress: Record<string, number> }

export async function restSubmit(request: APIRequestContext, key: string, body: unknown): Promise<JobBody> {
  const res = await request.post(`${e2eEnv().baseURL}/api/v1/jobs`, { headers: { authorization: `Bearer ${key}` }, data: body });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as JobBody;
}

export async function waitForJob(request: APIRequestContext, key: string, id: string, done: (j: JobBody) => boolean, timeoutMs = 30_000): Promise<JobBody> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const res = await request.get(`${e2eEnv().baseURL}/api/v1/jobs/${id}`, { headers: { authorization: `Bearer ${key}` } });
    const job = (await res.json()) as JobBody;
    if (done(job)) return job;
    if (Date.now() > end) throw new Error(`job ${id} still ${job.status} ${JSON.stringify(job.progress)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

/** Injects axe-core's own axe.min.js and runs it: the fallback when @axe-core/playwright cannot run. */
async function injectedAxe(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return axe.run(document, { runOnly: { type: "tag", values: tags } });
  }, TAGS);
  return result.violations;
}

/** Serious and critical WCAG 2.x A/AA (and best-practice) violations on the current page. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  let violations: AxeViolation[];
  try {
    // @axe-core/playwright declares Node >= 22 but works on 20; fall back to injecting axe if it does not.
    const { default: AxeBuilder } = await import("@axe-core/playwright");
    violations = (await new AxeBuilder({ page }).withTags(TAGS).analyze()).violations as AxeViolation[];
  } catch (e) {
    console.warn(`[a11y] @axe-core/playwright failed (${(e as Error).message}); injecting axe.min.js`);
    violations = await injectedAxe(page);
  }
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
}
