/**
 * Registers an OpenTelemetry SDK that exports spans over OTLP/HTTP to `endpoint` (e.g. a
 * collector at http://otel-collector:4318). Without an endpoint nothing is registered and
 * the engine's spans stay no-ops: tracing costs nothing unless an operator asks for it, not
 * even the SDK's modules, which are imported only then (about 16 MB of RSS per process).
 */
export async function startTracing(serviceName: string, endpoint: string | undefined): Promise<{ shutdown(): Promise<void> }> {
  if (!endpoint) return { shutdown: async () => {} };
  const [{ OTLPTraceExporter }, { resourceFromAttributes }, { BatchSpanProcessor, NodeTracerProvider }] = await Promise.all([
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/sdk-trace-node"),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, "")}/v1/traces` }))],
  });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}
