import { createPrisma } from "@fanout/db";
import { getConfig } from "./config";
import { singleton } from "./singleton";

export const getPrisma = () => singleton("prisma", () => createPrisma(getConfig().databaseUrl));
