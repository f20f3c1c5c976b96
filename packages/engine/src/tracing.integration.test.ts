// One trace from the API's submit through Postgres and BullMQ to the handler's task run.
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createHarness, isFinished, waitFor, type Harness } from "./testing/harness";

const exporter = new InMemorySpanExporter();
let h: Harness;

beforeAll(async () => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  h = await createHarness();
  await h.engine.createScheduler().start();
  await h.engine.createWorker({ concurrency: 2 }).start();
});

afterAll(async () => {
  await h?.close();
  trace.disable();
});

it("continues the client's trace from submit to every task run", async () => {
  const tenant = await h.newTenant();
  const clientTrace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  const { job } = await h.engine.submitJob(tenant, { handler: "echo", input: { items: [1, 2, 3, 4] }, chunkSize: 2 }, { traceparent: clientTrace });
  await waitFor(() => h.engine.getJob(tenant, job.id), isFinished);
  await waitFor(async () => exporter.getFinishedSpans().filter((s) => s.name === "fanout.task.run").length, (n) => n >= 2, 10_000);

  const spans = exporter.getFinishedSpans();
  const submit = spans.find((s) => s.name === "fanout.job.submit")!;
  expect(submit.spanContext().traceId).toBe("0af7651916cd43dd8448eb211c80319c");
  expect(submit.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
  expect(submit.attributes["fanout.job_id"]).toBe(job.id);
  const runs = spans.filter((s) => s.name === "fanout.task.run" && s.attributes["fanout.job_id"] === job.id);
  expect(runs).toHaveLength(2);
  for (const run of runs) {
    expect(run.spanContext().traceId).toBe(submit.spanContext().traceId);
    expect(run.parentSpanContext?.spanId).toBe(submit.spanContext().spanId);
    expect(run.attributes).toMatchObject({ "fanout.items": 2, "fanout.items.succeeded": 2, "fanout.committed": true });
  }
});
