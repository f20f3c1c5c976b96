import { context, SpanKind, SpanStatusCode, trace, type Context, type Span } from "@opentelemetry/api";

/**
 * Traces follow a job from the API through Postgres and the queue to the handler. The
 * engine only uses the OpenTelemetry API (a no-op until a process registers an SDK);
 * the submit span's W3C traceparent is stored on the job, and every task run and
 * remote lease starts a span under it.
 */
const tracer = () => trace.getTracer("fanout-engine");

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The context carried by a W3C traceparent (from a client header or a stored job).
 * Parsed here rather than by the global propagator, which is a no-op until an SDK
 * registers one: the trace must not depend on how a process was started.
 */
export function contextFrom(traceparent: string | null | undefined): Context {
  const m = traceparent ? TRACEPARENT.exec(traceparent) : null;
  if (!m) return context.active();
  return trace.setSpanContext(context.active(), { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16), isRemote: true });
}

export function traceparentOf(span: Span): string | null {
  const sc = span.spanContext();
  if (!trace.isSpanContextValid(sc)) return null;
  return `00-${sc.traceId}-${sc.spanId}-${sc.traceFlags.toString(16).padStart(2, "0")}`;
}

export async function withSpan<T>(name: string, kind: SpanKind, parent: Context, attributes: Record<string, string | number>, fn: (span: Span) => Promise<T>): Promise<T> {
  const span = tracer().startSpan(name, { kind, attributes }, parent);
  try {
    const out = await context.with(trace.setSpan(parent, span), () => fn(span));
    span.setStatus({ code: SpanStatusCode.OK });
    return out;
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

export { SpanKind };
