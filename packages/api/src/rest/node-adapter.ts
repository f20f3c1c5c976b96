// Serve the framework-free REST handler from a plain node:http server (tests, or running
// the API without Next). The request's AbortSignal fires when the client disconnects, so
// long polls (POST /workers/lease) stop waiting for a caller that is gone.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { RestHandler } from "./index";

export function toNodeListener(handle: RestHandler, opts: { base?: string } = {}) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const controller = new AbortController();
    // "close" on the response fires when the socket goes away before we answered.
    res.on("close", () => {
      if (!res.writableFinished) controller.abort(new Error("client disconnected"));
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
      else if (v !== undefined) headers.set(k, v);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(new URL(req.url ?? "/", opts.base ?? `http://${req.headers.host ?? "localhost"}`), {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
      signal: controller.signal,
      duplex: "half",
    } as RequestInit);
    handle(request)
      .then(async (response) => {
        res.statusCode = response.status;
        response.headers.forEach((v, k) => res.setHeader(k, v));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch((err) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: { code: "internal_error", message: String((err as Error).message) } }));
      });
  };
}
