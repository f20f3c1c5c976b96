// Two projects so `npm test` can run the fast pure tests first and the slow ones (real
// Postgres + Redis, one database and queue prefix per file) after, with fewer at a time.
import { configDefaults, defineConfig } from "vitest/config";

const exclude = [...configDefaults.exclude, "**/.next/**", "**/.turbo/**", "**/.data/**", "test/e2e/**"];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/**/*.test.ts", "apps/**/*.test.ts"],
          exclude: [...exclude, "**/*.integration.test.ts"],
          environment: "node",
          sequence: { groupOrder: 0 }, // a plain `vitest run` also does unit first
        },
      },
      {
        test: {
          name: "integration",
          include: ["**/*.integration.test.ts"],
          exclude,
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // 2-core machines: every file also drives Postgres and Redis on the same cores.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
