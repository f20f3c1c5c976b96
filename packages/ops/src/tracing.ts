import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

/**
 * Registers an OpenTelemetry SDK that exports spans over OTLP/HTTP to `endpoint` (e.g. a
 * collector at http://otel-collector:4318). Without an endpoint nothing is registered and
 * the engine's spans stay no-ops: tracing costs nothing unless an operator asks for it.
 */
export function startTracing(serviceName: string, endpoint: string | undefined): { shutdown(): Promise<void> } {
  if (!endpoint) return { shutdown: async () => {} };
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, "")}/v1/traces` }))],
  });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}
