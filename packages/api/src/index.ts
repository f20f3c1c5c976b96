export * from "./rest/index";
export * from "./trpc/index";
export type { ApiEngine, ApiLogger, Db } from "./types";
