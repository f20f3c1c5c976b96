import { describe, expect, it } from "vitest";
import { buildJob, fieldFor, parseItemsFile, parseLabels, type JobFormValues } from "./build-job";

const base: JobFormValues = {
  name: "", handler: "sha256", mode: "items", items: '["a"]', from: "0", to: "10",
  chunkSize: "", priority: "", maxAttempts: "", timeoutMs: "",
};

describe("buildJob", () => {
  it("builds a minimal items job, leaving empty fields out", () => {
    expect(buildJob(base)).toEqual({ job: { handler: "sha256", input: { items: ["a"] } }, errors: {} });
  });

  it("builds a range job with numeric options", () => {
    const { job } = buildJob({ ...base, mode: "range", from: "5", to: "8", chunkSize: "2", priority: "3", maxAttempts: "4", timeoutMs: "1000", name: " r " });
    expect(job).toEqual({ handler: "sha256", input: { range: { from: 5, to: 8 } }, name: "r", chunkSize: 2, priority: 3, maxAttempts: 4, timeoutMs: 1000 });
  });

  it("passes a chosen reducer and leaves the handler's default to the server", () => {
    expect(buildJob({ ...base, reduce: "sum" }).job).toEqual({ handler: "sha256", input: { items: ["a"] }, reduce: "sum" });
    expect(buildJob({ ...base, reduce: "" }).job?.reduce).toBeUndefined();
    expect(buildJob({ ...base, reduce: "avg" }).errors.reduce).toMatch(/must be one of collect, sum, count, min, max/);
    expect(fieldFor("reduce", "items")).toBe("reduce");
  });

  it("names the field at fault, using the shared schema's messages", () => {
    expect(buildJob({ ...base, items: "not json" }).errors).toEqual({ "input.items": expect.stringContaining("valid JSON") });
    expect(buildJob({ ...base, items: "[]" }).errors["input.items"]).toMatch(/at least one item/);
    expect(buildJob({ ...base, priority: "11" }).errors.priority).toMatch(/between 0 and 10/);
    expect(buildJob({ ...base, chunkSize: "1.5" }).errors.chunkSize).toMatch(/integer/);
    expect(buildJob({ ...base, mode: "range", from: "3", to: "3" }).errors["input.range.to"]).toMatch(/greater than/);
    expect(buildJob({ ...base, priority: "abc" }).job).toBeUndefined();
  });
});

describe("fieldFor", () => {
  it("maps server error paths onto visible fields", () => {
    expect(fieldFor("input", "items")).toBe("input.items");
    expect(fieldFor("input", "range")).toBe("input.range.to");
    expect(fieldFor("input.range.from", "range")).toBe("input.range.from");
    expect(fieldFor("input.items.3", "items")).toBe("input.items");
    expect(fieldFor("priority", "items")).toBe("priority");
    expect(fieldFor("labels.x", "items")).toBe("labels");
    expect(fieldFor("input.items", "file")).toBe("input.file");
    expect(fieldFor("Idempotency-Key", "items")).toBe("form");
  });
});

describe("file uploads and labels", () => {
  it("reads a JSON array or NDJSON, naming a bad line", () => {
    expect(parseItemsFile('[1, "a", {"b": 2}]')).toEqual([1, "a", { b: 2 }]);
    expect(parseItemsFile('{"n":1}\n\n"two"\r\n3\n')).toEqual([{ n: 1 }, "two", 3]);
    expect(() => parseItemsFile('{"n":1}\n{oops}\n')).toThrow(/Line 2/);
    expect(() => parseItemsFile("  ")).toThrow(/empty/);
    expect(() => parseItemsFile("[1,")).toThrow(/not valid JSON/);
  });

  it("builds a job from file items and labels", () => {
    const { job, errors } = buildJob({ ...base, mode: "file", fileItems: [1, 2], labels: "env=prod, team = data" });
    expect(errors).toEqual({});
    expect(job).toMatchObject({ input: { items: [1, 2] }, labels: { env: "prod", team: "data" } });
    expect(buildJob({ ...base, mode: "file", fileItems: null }).errors["input.file"]).toMatch(/Choose a/);
    expect(parseLabels("nokey")).toEqual({ error: expect.stringContaining("key=value") });
  });
});
