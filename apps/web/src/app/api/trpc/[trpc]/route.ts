import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@fanout/api/trpc";
import { createContext } from "@/server/trpc";

export const dynamic = "force-dynamic";

const handler = (req: Request) =>
  fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext });

export { handler as GET, handler as POST };
