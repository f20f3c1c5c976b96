// @fanout/auth: API key generation/verification, password hashing, scopes.
export * from "./api-keys";
export * from "./scopes";
export * from "./passwords";
export * from "./authenticate";
export * from "./key-cache";
