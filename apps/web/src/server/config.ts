import { loadConfig } from "@fanout/config";
import { singleton } from "./singleton";

/** Parsed on first use, not at import: `next build` evaluates route modules without the runtime env. */
export const getConfig = () => singleton("config", () => loadConfig("web"));
