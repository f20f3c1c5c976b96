# syntax=docker/dockerfile:1
# One image recipe for the monorepo (build from the repo root; see docker-compose.yml).
#   --target web      Next.js dashboard + REST API (next start)
#   --target service  worker, scheduler and the one-shot migrate (tsx runs the TypeScript)
FROM node:20-bookworm-slim AS base
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 CHECKPOINT_DISABLE=1
# The whole tree: npm ci needs every workspace's package.json, and packages ship as source.
COPY . .
RUN npm ci --no-audit --no-fund && npm run generate

FROM base AS service
ENV NODE_ENV=production
USER node
CMD ["npx", "tsx", "apps/worker/src/main.ts"]

FROM base AS web
# next start writes its cache into .next at run time, as the unprivileged user.
RUN NODE_ENV=production npx turbo run build --filter=@fanout/web --env-mode=loose \
 && chown -R node:node apps/web/.next
ENV NODE_ENV=production PORT=3000
USER node
EXPOSE 3000
WORKDIR /app/apps/web
CMD ["sh", "-c", "exec npx next start -p \"$PORT\""]
