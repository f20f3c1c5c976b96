// Compile-time proof that what the engine returns fits the response schemas the OpenAPI
// document (and the SDK's types) are generated from. `npm run typecheck` fails on drift.
import type { DeadLetterView, Engine, JobView, ResultRow, TaskView } from "@fanout/engine";
import type * as v from "@fanout/validators";
import type { z } from "zod";

type Assert<T extends true> = T;
type Fits<A, B> = [A] extends [B] ? true : false;
type Out<S extends z.ZodType> = z.output<S>;
type Resolved<F extends (...a: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;

export type Checks = [
  Assert<Fits<JobView, Out<typeof v.jobViewSchema>>>,
  Assert<Fits<ResultRow, Out<typeof v.resultRowSchema>>>,
  Assert<Fits<TaskView, Out<typeof v.taskViewSchema>>>,
  Assert<Fits<DeadLetterView, Out<typeof v.deadLetterViewSchema>>>,
  Assert<Fits<Resolved<Engine["deadLetterGroups"]>[number], Out<typeof v.deadLetterGroupSchema>>>,
  Assert<Fits<Resolved<Engine["remote"]["lease"]>[number], Out<typeof v.leasedTaskSchema>>>,
  Assert<Fits<Resolved<Engine["remote"]["heartbeat"]>, Out<typeof v.heartbeatResponseSchema>>>,
  Assert<Fits<Resolved<Engine["getJobResult"]>, Out<typeof v.jobResultSchema>>>,
  Assert<Fits<Resolved<Engine["remote"]["registerHandler"]>, Out<typeof v.remoteHandlerSchema>>>,
];
