#!/usr/bin/env node
// `fanout` CLI: register tsx's loader, then run the TypeScript entry point.
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

// Workspace packages that are also published (@fanout/sdk) export their TypeScript source
// under the "@fanout/source" condition; add it so the CLI runs them without a build.
register(
  "data:text/javascript," +
    encodeURIComponent('export async function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, "@fanout/source"] }); }'),
);
registerTsx();
await import("../src/main.ts");
