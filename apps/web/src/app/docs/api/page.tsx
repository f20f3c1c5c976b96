// /docs/api: the API reference, rendered in the browser from /api/v1/openapi.json (the
// document generated from the zod schemas). Public like the document itself.
import type { Metadata } from "next";
import Link from "next/link";
import { ApiReference } from "./api-reference";

export const metadata: Metadata = { title: "API reference · Fanout" };

export default function ApiDocsPage() {
  return (
    <main className="mx-auto max-w-6xl px-4 py-6">
      <header className="mb-4 flex flex-wrap items-baseline gap-3">
        <h1 className="text-2xl font-semibold">Fanout REST API</h1>
        <a className="text-sm text-indigo-700 underline" href="/api/v1/openapi.json">openapi.json</a>
        <Link className="ml-auto text-sm text-indigo-700 underline" href="/jobs">Dashboard</Link>
      </header>
      <p className="mb-4 text-sm text-slate-600">
        Authenticate with <code>Authorization: Bearer &lt;api key&gt;</code> (create keys on the API keys page or with{" "}
        <code>npx fanout key create</code>). The TypeScript SDK <code>@fanout/sdk</code> wraps every operation below.
      </p>
      <ApiReference url="/api/v1/openapi.json" />
    </main>
  );
}
