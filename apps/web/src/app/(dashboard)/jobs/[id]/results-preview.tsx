"use client";
import { useQuery } from "@tanstack/react-query";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";

const PREVIEW = 50;

function show(value: unknown): string {
  const s = typeof value === "string" ? value : JSON.stringify(value) ?? "undefined";
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/** The first results in item order; refreshed while the job is still running. */
export function ResultsPreview({ id, live }: { id: string; live: boolean }) {
  const trpc = useTRPC();
  const results = useQuery({
    ...trpc.jobs.results.queryOptions({ id, limit: PREVIEW }),
    refetchInterval: live ? 1_000 : false,
  });
  return (
    <section aria-labelledby="results-heading">
      <h2 id="results-heading" className="mb-2 text-lg font-semibold">Results (first {PREVIEW})</h2>
      {results.isError && <p role="alert" className="text-red-700">{errorMessage(results.error)}</p>}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-slate-600">
            <tr>
              <th scope="col" className="w-20 px-3 py-2 font-medium">Index</th>
              <th scope="col" className="w-28 px-3 py-2 font-medium">Status</th>
              <th scope="col" className="px-3 py-2 font-medium">Output / error</th>
            </tr>
          </thead>
          <tbody>
            {results.data?.data.map((r) => (
              <tr key={r.index} data-testid="result-row" className="border-t border-slate-100">
                <td className="px-3 py-1.5 tabular-nums">{r.index}</td>
                <td className={`px-3 py-1.5 ${r.status === "dead" ? "text-red-700" : "text-green-800"}`}>{r.status}</td>
                <td data-testid="result-output" className="break-all px-3 py-1.5 font-mono text-xs">
                  {r.status === "dead" ? r.error : show(r.output)}
                </td>
              </tr>
            ))}
            {results.data && results.data.data.length === 0 && (
              <tr><td colSpan={3} className="px-3 py-6 text-center text-slate-500">No results yet.</td></tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
