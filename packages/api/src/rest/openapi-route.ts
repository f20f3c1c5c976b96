// GET /api/v1/openapi.json: public (clients and the dashboard's reference page fetch it
// without a key). Built once per process from the zod schemas.
import { buildOpenApiDocument } from "../openapi/document";
import type { Route } from "./routes";

let cached: string | undefined;

export const OPENAPI_ROUTES: Route[] = [
  {
    segments: ["openapi.json"],
    methods: {
      GET: {
        scope: null,
        run: async () => {
          cached ??= JSON.stringify(buildOpenApiDocument());
          return new Response(cached, {
            status: 200,
            headers: { "content-type": "application/json; charset=utf-8", "cache-control": "public, max-age=300", "access-control-allow-origin": "*" },
          });
        },
      },
    },
  },
];
