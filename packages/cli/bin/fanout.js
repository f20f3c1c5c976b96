#!/usr/bin/env node
// `fanout` operator CLI: register tsx's loader, then run the TypeScript entry point.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
