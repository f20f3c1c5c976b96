// Platform administration over REST (scope `admin`, which only platform administrators can
// grant): read and change any tenant's quota by slug. Same validation, audit entry and
// effect as the admin console, from ../dashboard/quota-admin.ts.
import { SCOPES } from "@fanout/auth";
import { FanoutError, notFound, quotaUpdateSchema, tenantSlugSchema } from "@fanout/validators";
import { getTenantQuota, updateTenantQuota, type TenantQuota } from "../dashboard/quota-admin";
import { json } from "./http";
import { jsonBody } from "./kit";
import type { EndpointContext, Route } from "./routes";

function slugOf(c: EndpointContext): string {
  const r = tenantSlugSchema.safeParse(c.params.slug ?? "");
  if (!r.success) throw notFound("tenant");
  return r.data;
}

/** Dates as ISO strings, like every other REST body. */
const view = (q: TenantQuota) => ({ ...q, updatedAt: q.updatedAt.toISOString() });

export const ADMIN_ROUTES: Route[] = [
  {
    segments: ["admin", "tenants", ":slug", "quota"],
    methods: {
      GET: {
        scope: SCOPES.admin,
        run: async (c) => json(200, view(await getTenantQuota(c.prisma, slugOf(c)))),
      },
      PUT: {
        scope: SCOPES.admin,
        run: async (c) => {
          const slug = slugOf(c);
          const changes = await jsonBody(c, quotaUpdateSchema);
          if (!c.keyId) throw new FanoutError(500, "internal_error", "The API key of this request is unknown.");
          const q = await updateTenantQuota(c.prisma, slug, changes, { kind: "api_key", id: c.keyId });
          c.engine.quotaChanged?.(q.tenant.id);
          return json(200, view(q));
        },
      },
    },
  },
];
