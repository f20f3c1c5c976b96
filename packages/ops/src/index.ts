import { createServer, type Server } from "node:http";
import { collectDefaultMetrics, type Registry } from "prom-client";

export interface OpsServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  /** Readiness: true when Postgres and Redis answer (and, for schedulers, nothing else is needed). */
  ready: () => Promise<boolean>;
  /** Labels every process metric, e.g. { process: "worker", id: "worker-1" }. */
  labels?: Record<string, string>;
}

/** Serves /metrics, /healthz and /readyz; resolves once listening (port 0 picks a free one). */
export async function startOpsServer(opts: OpsServerOptions): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  if (opts.labels) opts.registry.setDefaultLabels(opts.labels);
  collectDefaultMetrics({ register: opts.registry });
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (req.method !== "GET") return send(405, "text/plain", "method not allowed\n");
    if (path === "/metrics") {
      opts.registry.metrics().then(
        (text) => send(200, opts.registry.contentType, text),
        () => send(500, "text/plain", "metrics collection failed\n"),
      );
    } else if (path === "/healthz") {
      send(200, "application/json", JSON.stringify({ status: "ok" }));
    } else if (path === "/readyz") {
      opts.ready().then(
        (ok) => send(ok ? 200 : 503, "application/json", JSON.stringify({ status: ok ? "ready" : "unavailable" })),
        () => send(503, "application/json", JSON.stringify({ status: "unavailable" })),
      );
    } else {
      send(404, "text/plain", "not found\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "0.0.0.0", () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return { server, port, close: () => new Promise((r) => server.close(() => r())) };
}

export interface ServeOpsOptions extends Omit<OpsServerOptions, "port"> {
  /** METRICS_PORT; 0 means the process serves no ops endpoints. */
  port: number;
  logger: { info(o: object, m?: string): void; error(o: object, m?: string): void };
}

/**
 * startOpsServer for a process's main: skipped when the port is 0, and a failure to
 * listen is logged rather than fatal (observability must not take a worker down).
 */
export async function serveOps(opts: ServeOpsOptions): Promise<void> {
  if (!opts.port) return;
  try {
    const ops = await startOpsServer(opts);
    opts.logger.info({ port: ops.port }, "ops endpoints listening");
  } catch (err) {
    opts.logger.error({ err, port: opts.port }, "could not serve ops endpoints");
  }
}
