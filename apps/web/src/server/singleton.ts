// One instance per server process, surviving dev-mode module reloads, created on first
// use (never at import, so `next build` does not need a database or Redis).
const store = globalThis as unknown as { __fanout?: Map<string, unknown> };

export function singleton<T>(name: string, create: () => T): T {
  store.__fanout ??= new Map();
  if (!store.__fanout.has(name)) store.__fanout.set(name, create());
  return store.__fanout.get(name) as T;
}
