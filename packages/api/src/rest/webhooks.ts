// Completion webhooks, tenant side: the signing secret (created on first use, shown to
// keys that can write jobs, since it lets one forge deliveries) and the delivery log.
import { SCOPES } from "@fanout/auth";
import { FanoutError, webhookDeliveriesQuerySchema } from "@fanout/validators";
import { listDeliveries, SIGNATURE_HEADER, tenantWebhookSecret } from "@fanout/webhooks";
import { json } from "./http";
import { parseWith, queryOf } from "./kit";
import type { Route } from "./routes";

export const WEBHOOK_ROUTES: Route[] = [
  {
    segments: ["webhooks", "secret"],
    methods: {
      GET: {
        scope: SCOPES.jobsWrite,
        run: async (c) => {
          if (!c.secretKey) throw new FanoutError(503, "webhooks_not_configured", "Webhooks are not configured on this server (FANOUT_SECRET_KEY is not set).");
          return json(200, { secret: await tenantWebhookSecret(c.prisma, c.tenantId, c.secretKey), signatureHeader: SIGNATURE_HEADER });
        },
      },
    },
  },
  {
    segments: ["webhooks", "deliveries"],
    methods: {
      GET: {
        scope: SCOPES.jobsRead,
        run: async (c) => json(200, await listDeliveries(c.prisma, c.tenantId, parseWith(webhookDeliveriesQuerySchema, queryOf(c.url)))),
      },
    },
  },
];
