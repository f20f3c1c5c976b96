import { describe, expect, it } from "vitest";
import { AdmissionDepth } from "./admission-depth";

describe("AdmissionDepth", () => {
  it("starts at the plain depth and stays there for long tasks", () => {
    const d = new AdmissionDepth(2);
    expect(d.capacity("p", 100)).toBe(200);
    for (let i = 0; i < 50; i++) d.observe("p", 40, 0);
    expect(d.capacity("p", 100)).toBe(200);
  });

  it("runs a pool of short tasks up to 2.25× as deep, per pool", () => {
    const d = new AdmissionDepth(2);
    for (let i = 0; i < 50; i++) d.observe("fast", 40, 40);
    expect(d.capacity("fast", 100)).toBe(450);
    expect(d.capacity("other", 100)).toBe(200);
  });

  it("sits in between for a mixed pool and follows a change of workload", () => {
    const d = new AdmissionDepth(2);
    for (let i = 0; i < 50; i++) d.observe("p", 10, 5);
    expect(d.capacity("p", 100)).toBe(325);
    for (let i = 0; i < 50; i++) d.observe("p", 10, 0);
    expect(d.capacity("p", 100)).toBe(200);
  });

  it("ignores rounds that admitted nothing", () => {
    const d = new AdmissionDepth(3);
    d.observe("p", 0, 0);
    expect(d.capacity("p", 10)).toBe(30);
  });
});
