export * from "./job";
export * from "./errors";
