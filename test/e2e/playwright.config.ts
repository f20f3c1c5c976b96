// Playwright drives Debian's Chromium (Playwright's own browser download cannot work offline).
// global-setup.ts boots the whole system on a fresh database and a free port per run.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: ".",
  testMatch: "**/*.spec.ts",
  outputDir: "results/artifacts",
  globalSetup: "./global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // One browser at a time: on 2 cores it shares the CPU with web, scheduler, 2 workers, Postgres and Redis.
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["json", { outputFile: "results/report.json" }]],
  use: {
    // Set by global-setup.ts before workers start (or by you, to test a running system).
    baseURL: process.env.FANOUT_E2E_BASE_URL,
    headless: true,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      // Root needs --no-sandbox; the rest stop Chromium calling home on a closed network.
      args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-gpu", "--no-first-run"],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
});
