import { getEngine } from "@/server/engine";

export const dynamic = "force-dynamic";

let clusterGauges = false;

/**
 * Prometheus scrape target of the web app: the engine's cluster gauges (queue depth,
 * backlog seconds, usage vs quota, worker liveness), read from Postgres at scrape time.
 */
export async function GET() {
  const engine = getEngine();
  if (!clusterGauges) {
    engine.metrics.enableClusterGauges();
    clusterGauges = true;
  }
  return new Response(await engine.metrics.text(), { headers: { "content-type": engine.metrics.contentType, "cache-control": "no-store" } });
}
