// Example remote worker: for each item (a URL) fetch it and return its HTTP status and
// size. Run it directly (env below) or through the CLI: `fanout worker --module ./worker.ts`,
// which uses the exported `handlers`.
//   FANOUT_URL=http://localhost:3000 FANOUT_API_KEY=<key with the workers scope> npx tsx worker.ts
import { pathToFileURL } from "node:url";
import { createWorker, type Handler } from "@fanout/sdk";

export interface UrlStatus {
  url: string;
  status: number;
  bytes: number;
}

const urlStatus: Handler = async (url: unknown, ctx): Promise<UrlStatus> => {
  if (typeof url !== "string" || !/^https?:\/\//.test(url)) throw new TypeError(`item ${ctx.index} is not an http(s) URL`);
  // ctx.signal aborts the fetch when the task times out or the lease is lost.
  const res = await fetch(url, { signal: ctx.signal, redirect: "manual" });
  let bytes = 0;
  for await (const chunk of res.body ?? []) bytes += (chunk as Uint8Array).byteLength;
  return { url, status: res.status, bytes };
};

export const handlers = { "url-status": urlStatus };

// Run as a program (not when imported by `fanout worker --module`).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = (k: string, d?: string) => {
    const v = process.env[k] ?? d;
    if (v === undefined) throw new Error(`${k} is required`);
    return v;
  };
  const worker = createWorker({
    url: env("FANOUT_URL"),
    apiKey: env("FANOUT_API_KEY"),
    handlers,
    workerId: process.env.FANOUT_WORKER_ID,
    concurrency: Number(env("FANOUT_CONCURRENCY", "4")),
    itemConcurrency: Number(env("FANOUT_ITEM_CONCURRENCY", "8")),
    visibilityMs: Number(env("FANOUT_VISIBILITY_MS", "30000")),
  });
  await worker.start();
  console.log(`url-status worker ${worker.id} is leasing from ${env("FANOUT_URL")}`);
}
