// @fanout/engine: the only package that talks to BullMQ. Everything that executes
// work goes through createEngine(); it never reads process.env.
export { createEngine } from "./engine";
export type { Engine, EngineDeps, EngineOptions, RemoteHandlerView, WorkerOptions, SchedulerOptions, WorkerHandle, SchedulerHandle } from "./engine";
export type * from "./types";
export type { TenantQuota } from "./quota";
export { BUILTIN_HANDLERS } from "@fanout/validators";
