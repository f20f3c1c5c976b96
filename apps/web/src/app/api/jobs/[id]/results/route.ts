// Download a job's results, streamed page by page through the engine (never the whole
// result set in memory): ?format=ndjson (one result per line, default) or json (an array).
import { getEngine } from "@/server/engine";
import { getLogger } from "@/server/logger";
import { isUuid, notFoundResponse, requireTenantCaller } from "@/server/request-tenant";

export const dynamic = "force-dynamic";

const PAGE = 1_000;

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const caller = await requireTenantCaller();
  if (caller instanceof Response) return caller;
  const { id } = await params;
  if (!isUuid(id)) return notFoundResponse();
  const jobId = id.toLowerCase();
  const format = new URL(req.url).searchParams.get("format") === "json" ? "json" : "ndjson";
  const engine = getEngine();
  let first;
  try {
    first = await engine.getResults(caller.tenantId, jobId, { limit: PAGE });
  } catch {
    return notFoundResponse();
  }
  const encoder = new TextEncoder();
  let page: typeof first | null = first;
  let started = false;
  const stream = new ReadableStream<Uint8Array>({
    // pull: the next page is read only when the client has taken the previous one.
    async pull(controller) {
      try {
        if (!page) {
          if (format === "json") controller.enqueue(encoder.encode(started ? "\n]\n" : "[]\n"));
          controller.close();
          return;
        }
        const lines = page.data.map((r) => JSON.stringify(r));
        if (lines.length) {
          const sep = format === "json" ? ",\n" : "\n";
          const prefix = format === "json" ? (started ? ",\n" : "[\n") : "";
          controller.enqueue(encoder.encode(prefix + lines.join(sep) + (format === "ndjson" ? "\n" : "")));
          started = true;
        }
        page = page.nextCursor && !req.signal.aborted ? await engine.getResults(caller.tenantId, jobId, { limit: PAGE, cursor: page.nextCursor }) : null;
      } catch (err) {
        getLogger().error({ err, jobId }, "results download failed");
        controller.error(err);
      }
    },
  });
  const ext = format === "json" ? "json" : "ndjson";
  return new Response(stream, {
    headers: {
      "content-type": format === "json" ? "application/json; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="job-${jobId}-results.${ext}"`,
      "cache-control": "no-store",
    },
  });
}
