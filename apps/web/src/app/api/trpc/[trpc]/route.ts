import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@fanout/api/trpc";
import { getLogger } from "@/server/logger";
import { createContext } from "@/server/trpc";

export const dynamic = "force-dynamic";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext,
    // Procedure failures are logged by the router's middleware; this catches the ones
    // before it runs (no context: e.g. the database is down while resolving the session).
    onError({ error, ctx, path }) {
      if (!ctx && error.code === "INTERNAL_SERVER_ERROR") getLogger().error({ err: error.cause ?? error, path }, "tRPC request failed before the procedure ran");
    },
  });

export { handler as GET, handler as POST };
