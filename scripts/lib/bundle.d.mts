/** Builds apps/<app>/dist/main.mjs (plus its source map) and returns its absolute path. */
export function bundleApp(app: "worker" | "scheduler"): Promise<string>;
