import { createLogger } from "@fanout/logger";
import { getConfig } from "./config";
import { singleton } from "./singleton";

export const getLogger = () => singleton("logger", () => createLogger("web", getConfig().logLevel));
