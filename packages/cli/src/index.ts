// @fanout/cli: the operator commands as functions taking a PrismaClient (the `fanout`
// binary in src/main.ts is a thin argument parser over them).
export { createTenant, SLUG_RE } from "./commands/tenant";
export { createApiKey, type CreatedKey } from "./commands/key";
export { setQuota, parseNumberOption, type QuotaChanges } from "./commands/quota";
export { seedDemo, ADMIN_EMAIL, DEMO_TENANT_SLUG, type SeedResult } from "./commands/seed";
export { CliError } from "./errors";
export { run, USAGE, type CliIo } from "./run";
