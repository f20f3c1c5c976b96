export * from "./job";
export * from "./errors";
export * from "./dashboard";
