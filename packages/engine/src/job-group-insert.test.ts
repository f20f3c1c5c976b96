import { describe, expect, it } from "vitest";
import { rolledBack } from "./job-group-insert";

describe("rolledBack: may a failed group be retried job by job?", () => {
  it("yes when Postgres refused the statement", () => {
    expect(rolledBack({ severity: "ERROR", code: "23503", message: "violates foreign key constraint" })).toBe(true);
    expect(rolledBack({ severity: "ERROR", code: "22P02" })).toBe(true);
    expect(rolledBack({ severity: "ERROR", code: "40P01" })).toBe(true); // deadlock: rolled back
  });

  it("no when the statement may have committed before the failure", () => {
    expect(rolledBack(new Error("Connection terminated unexpectedly"))).toBe(false);
    expect(rolledBack(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }))).toBe(false);
    expect(rolledBack({ severity: "FATAL", code: "57P01" })).toBe(false); // admin shutdown
    expect(rolledBack({ severity: "FATAL", code: "08006" })).toBe(false);
    expect(rolledBack(undefined)).toBe(false);
    expect(rolledBack("boom")).toBe(false);
  });
});
