export * from "./job";
export * from "./errors";
export * from "./remote";
export * from "./controls";
export * from "./responses";
export * from "./dashboard";
