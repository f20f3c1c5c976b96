import { describe, expect, it } from "vitest";
import { dashboardJobsQuerySchema, labelFilterSchema, quotaProblems, quotaFieldsSchema, quotaUpdateSchema, tenantCreateSchema } from "./dashboard";

describe("dashboard job filters", () => {
  it("parses key=value labels and refuses anything else", () => {
    expect(labelFilterSchema.parse(" env = prod ")).toEqual({ key: "env", value: "prod" });
    expect(labelFilterSchema.parse("team=a=b")).toEqual({ key: "team", value: "a=b" });
    expect(labelFilterSchema.safeParse("no-equals").success).toBe(false);
    expect(labelFilterSchema.safeParse("=v").success).toBe(false);
  });

  it("accepts a date window only when it ends after it starts", () => {
    const ok = dashboardJobsQuerySchema.parse({ createdFrom: "2026-01-01T00:00:00Z", createdTo: "2026-01-02T00:00:00.000Z", limit: 20 });
    expect(ok.createdFrom).toBe("2026-01-01T00:00:00Z");
    const bad = dashboardJobsQuerySchema.safeParse({ createdFrom: "2026-01-02T00:00:00Z", createdTo: "2026-01-01T00:00:00Z" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["createdTo"]);
    expect(dashboardJobsQuerySchema.safeParse({ createdFrom: "yesterday" }).success).toBe(false);
  });
});

describe("quota changes", () => {
  it("needs at least one known field with a value in range", () => {
    expect(quotaUpdateSchema.safeParse({}).success).toBe(false);
    expect(quotaUpdateSchema.safeParse({ colour: 1 }).success).toBe(false);
    expect(quotaUpdateSchema.safeParse({ maxConcurrent: 0 }).error?.issues[0]?.message).toBe("maxConcurrent must be at least 1");
    expect(quotaUpdateSchema.safeParse({ maxConcurrent: 2.5 }).success).toBe(false);
    expect(quotaUpdateSchema.parse({ maxConcurrent: 3, submitRatePerSec: 0.5 })).toEqual({ maxConcurrent: 3, submitRatePerSec: 0.5 });
  });

  it("checks rules across fields on the merged quota", () => {
    const q = quotaFieldsSchema.parse({ weight: 1, maxConcurrent: 1, maxQueuedItems: 1, submitRatePerSec: 1, submitBurst: 1, maxItemsPerJob: 1, maxPayloadBytes: 2048, minPriority: 5, maxPriority: 2 });
    expect(quotaProblems(q)).toEqual([{ field: "minPriority", message: expect.stringContaining("maxPriority") }]);
  });
});

describe("tenants", () => {
  it("accepts DNS-like slugs only", () => {
    expect(tenantCreateSchema.parse({ slug: "acme-2", name: "Acme" })).toEqual({ slug: "acme-2", name: "Acme", joinAsOwner: false });
    expect(tenantCreateSchema.safeParse({ slug: "-acme", name: "Acme" }).success).toBe(false);
    expect(tenantCreateSchema.safeParse({ slug: "Acme", name: "Acme" }).success).toBe(false);
  });
});
