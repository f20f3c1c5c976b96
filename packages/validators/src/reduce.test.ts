import { describe, expect, it } from "vitest";
import { fromZodError } from "./errors";
import { createJobSchema } from "./job";
import { registerHandlerSchema } from "./remote";
import { jobResultSchema, jobViewSchema } from "./responses";

const job = { handler: "echo", input: { items: [1] } };

describe("reduce on a job", () => {
  it("is optional and takes the five reducers", () => {
    expect(createJobSchema.parse(job).reduce).toBeUndefined();
    for (const reduce of ["collect", "sum", "count", "min", "max"]) expect(createJobSchema.parse({ ...job, reduce }).reduce).toBe(reduce);
  });

  it("refuses anything else with a 400 naming the field and the choices", () => {
    for (const reduce of ["avg", "SUM", 1, null, ""]) {
      const r = createJobSchema.safeParse({ ...job, reduce });
      expect(r.success).toBe(false);
      const e = fromZodError(r.error!);
      expect(e).toMatchObject({ status: 400, code: "invalid_field", field: "reduce" });
      expect(e.message).toBe("reduce: must be one of collect, sum, count, min, max");
    }
  });

  it("can be declared by a remote handler as its default", () => {
    expect(registerHandlerSchema.parse({ name: "score", reducer: "max" }).reducer).toBe("max");
    expect(fromZodError(registerHandlerSchema.safeParse({ name: "score", reducer: "median" }).error!).field).toBe("reducer");
  });
});

describe("the result view", () => {
  const result = { reducer: "sum", value: 3, count: 2, skipped: 1, truncated: false, final: true };

  it("is strict and optional on the job view", () => {
    expect(jobResultSchema.parse(result)).toEqual(result);
    expect(jobResultSchema.safeParse({ ...result, extra: 1 }).success).toBe(false);
    expect(jobResultSchema.safeParse({ ...result, reducer: "avg" }).success).toBe(false);
    expect(jobViewSchema.shape.result.safeParse(undefined).success).toBe(true);
  });
});
