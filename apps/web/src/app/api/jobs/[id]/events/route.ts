// Server-sent events for one job: the current view at once, then a new one after every
// change, from the process-wide hub (one Redis subscriber, one read per change shared by
// all viewers). `no-transform` keeps Next's gzip from buffering the stream.
import { getJobEventHub } from "@/server/job-events";
import { getPrisma } from "@/server/prisma";
import { isUuid, notFoundResponse, requireTenantCaller } from "@/server/request-tenant";

export const dynamic = "force-dynamic";

const HEARTBEAT_MS = 15_000;
const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const caller = await requireTenantCaller();
  if (caller instanceof Response) return caller;
  const { id } = await params;
  if (!isUuid(id)) return notFoundResponse();
  const jobId = id.toLowerCase();
  // Tenant check before subscribing: another tenant's id is a 404 like a missing one. A
  // primary-key lookup, not getJob: the hub's first read below already builds the view.
  const owned = await getPrisma().job.findFirst({ where: { id: jobId, tenantId: caller.tenantId }, select: { id: true } });
  if (!owned) return notFoundResponse();

  const encoder = new TextEncoder();
  let stop: (() => void) | null = null;
  let heartbeat: ReturnType<typeof setInterval> | null = null;
  const cleanup = () => {
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
    stop?.();
    stop = null;
  };
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (chunk: string) => {
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          cleanup();
        }
      };
      // Browsers reconnect after `retry` ms if the connection drops.
      send("retry: 2000\n\n");
      const unsubscribe = await getJobEventHub().watch(caller.tenantId, jobId, (job) => {
        send(`event: job\ndata: ${JSON.stringify(job)}\n\n`);
        if (TERMINAL.has(job.status)) send(`event: end\ndata: ${JSON.stringify({ status: job.status })}\n\n`);
      });
      if (req.signal.aborted) return unsubscribe();
      stop = unsubscribe;
      heartbeat = setInterval(() => send(": ping\n\n"), HEARTBEAT_MS);
      req.signal.addEventListener("abort", () => {
        cleanup();
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      });
    },
    cancel: cleanup,
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
