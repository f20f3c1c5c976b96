import { REDUCERS } from "@fanout/validators";
import { describe, expect, it } from "vitest";
import { COLLECT_MAX_ITEMS, isTerminal, reductionSql, toJobResult } from "./reduce";

const ref = { id: "$1::uuid", tenantId: "$2::uuid", chunkSize: "$3::int" };

describe("reductionSql", () => {
  it("is one scalar query per reducer, always scoped by job and tenant", () => {
    for (const r of REDUCERS) {
      const sql = reductionSql(r, ref);
      expect(sql).toMatch(/^SELECT jsonb_build_object\('value'/);
      expect(sql).toContain('tr."jobId" = $1::uuid AND tr."tenantId" = $2::uuid');
    }
  });

  it("only collect orders by item index (the chunk size); the others never read it", () => {
    expect(reductionSql("collect", ref)).toContain("$3::int");
    for (const r of ["sum", "count", "min", "max"] as const) expect(reductionSql(r, ref)).not.toContain("$3");
  });

  it("reduces numbers as numeric and leaves every other output to `skipped`", () => {
    for (const r of ["sum", "min", "max"] as const) {
      expect(reductionSql(r, ref)).toContain("CASE WHEN jsonb_typeof(e.v) = 'number' THEN e.v::numeric END");
      expect(reductionSql(r, ref)).toContain("'skipped', count(*) - count(x.n)");
    }
    expect(reductionSql("sum", ref)).toContain("coalesce(sum(x.n), 0)");
  });

  it("count reads array lengths, never the outputs one by one", () => {
    expect(reductionSql("count", ref)).not.toContain("jsonb_array_elements");
  });

  it("collect aggregates only under the inline cap", () => {
    expect(reductionSql("collect", ref)).toContain(`CASE WHEN c.n <= ${COLLECT_MAX_ITEMS} THEN (`);
  });
});

describe("toJobResult", () => {
  it("shapes a stored reduction as the API's view", () => {
    expect(toJobResult("sum", { value: 3, count: 2, skipped: 1, truncated: false }, true)).toEqual({ reducer: "sum", value: 3, count: 2, skipped: 1, truncated: false, final: true });
  });

  it("turns a missing value into null and bigint-as-string counts into numbers", () => {
    const r = toJobResult("min", { value: undefined, count: "0" as unknown as number, skipped: 0, truncated: undefined as unknown as boolean }, false);
    expect(r).toEqual({ reducer: "min", value: null, count: 0, skipped: 0, truncated: false, final: false });
  });
});

describe("isTerminal", () => {
  it("is true for the three finished statuses only", () => {
    expect(["queued", "running", "succeeded", "failed", "cancelled"].filter(isTerminal)).toEqual(["succeeded", "failed", "cancelled"]);
  });
});
