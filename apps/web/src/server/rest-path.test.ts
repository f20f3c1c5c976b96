import { describe, expect, it } from "vitest";
import { isRestPath } from "./rest-path";

describe("isRestPath", () => {
  it("sends /api/v1 and everything under it to the REST handler", () => {
    for (const url of ["/api/v1", "/api/v1/", "/api/v1/jobs", "/api/v1/jobs/abc/results?limit=2", "/api/v1?x=1", "/api/v1/openapi.json"]) {
      expect(isRestPath(url), url).toBe(true);
    }
  });

  it("leaves every other path to Next", () => {
    for (const url of ["/", "/api/health", "/api/trpc/jobs.list", "/api/jobs/x/events", "/api/v10", "/api/v1x/jobs", "/API/V1/jobs", "/jobs", "/metrics"]) {
      expect(isRestPath(url), url).toBe(false);
    }
  });
});
