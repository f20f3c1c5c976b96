// One HTTP POST with the SSRF guard on the connection itself, a hard timeout, no redirects
// (a 3xx could point anywhere, including inside our network) and a capped response read.
import http from "node:http";
import https from "node:https";
import { assertLiteralHostAllowed, guardedLookup } from "./ssrf";

export interface PostResult {
  status: number;
}

export function postJson(rawUrl: string, body: string, headers: Record<string, string>, opts: { timeoutMs: number; allowPrivate: boolean }): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(rawUrl);
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`unsupported protocol ${url.protocol}`);
      assertLiteralHostAllowed(url, opts.allowPrivate);
    } catch (err) {
      return reject(err);
    }
    const lib = url.protocol === "https:" ? https : http;
    const req = lib.request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body).toString(), "user-agent": "Fanout-Webhooks/1", ...headers },
        lookup: guardedLookup(opts.allowPrivate) as never,
        timeout: opts.timeoutMs,
        agent: false, // a fresh socket each time: a pooled one could skip the lookup check
      },
      (res) => {
        let seen = 0;
        res.on("data", (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > 64 * 1024) res.destroy(); // we only need the status
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
        res.on("close", () => resolve({ status: res.statusCode ?? 0 }));
        res.on("error", () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    // `timeout` only fires on socket inactivity; the overall deadline covers slow drips too.
    const deadline = setTimeout(() => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)), opts.timeoutMs);
    req.on("timeout", () => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)));
    req.on("error", (err) => reject(err));
    req.on("close", () => clearTimeout(deadline));
    req.end(body);
  });
}
