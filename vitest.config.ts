// Two projects so `npm test` can run the fast pure tests first and the slow ones (real
// Postgres + Redis, one database and queue prefix per file) after, with fewer at a time.
import { configDefaults, defineConfig } from "vitest/config";

const exclude = [...configDefaults.exclude, "**/.next/**", "**/.turbo/**", "**/.data/**", "test/e2e/**"];

// "@fanout/source": publishable workspace packages (@fanout/sdk) point this condition at
// their TypeScript source, so tests run them without a build; published, they serve dist/.
// (Vitest's own defaults for Node, minus "module", which would pick ESM builds Node cannot load.)
const conditions = ["@fanout/source", "node", "development|production"];

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { conditions },
        ssr: { resolve: { conditions } },
        test: {
          name: "unit",
          include: ["packages/**/*.test.ts", "apps/**/*.test.ts"],
          exclude: [...exclude, "**/*.integration.test.ts"],
          environment: "node",
          sequence: { groupOrder: 0 }, // a plain `vitest run` also does unit first
        },
      },
      {
        resolve: { conditions },
        ssr: { resolve: { conditions } },
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
