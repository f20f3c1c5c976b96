import { createLogger } from "@fanout/logger";
import { singleton } from "./singleton";

export const getLogger = () => singleton("logger", () => createLogger("web"));
