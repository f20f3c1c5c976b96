// /api/v1/* is served by the framework-free REST handler from @fanout/api.
import { getRestHandler } from "@/server/rest";

export const dynamic = "force-dynamic";

const handle = (req: Request) => getRestHandler()(req);

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
