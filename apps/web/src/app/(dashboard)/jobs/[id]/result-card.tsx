"use client";
// The job's reduction (DESIGN §7): it arrives with every live view of the job, so it moves
// with the progress bar and turns final when the job finishes. Values are the server's; this
// card only formats them.
import type { JobResult } from "@fanout/engine";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { num } from "@/lib/format";

const LABEL: Record<JobResult["reducer"], string> = { collect: "Collect", sum: "Sum", count: "Count", min: "Minimum", max: "Maximum" };

/** Integers get thousands separators; fractions and huge numbers print as JSON would (never rounded). */
function shown(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) && Math.abs(value) < 1e15 ? num(value) : String(value);
  const s = JSON.stringify(value) ?? "null";
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

function Value({ result }: { result: JobResult }) {
  if (result.reducer === "collect" && result.truncated) {
    return <p className="text-sm text-slate-700">{num(result.count)} outputs: too many to show here. Page them under Results below, or download them.</p>;
  }
  if (result.value === null && result.reducer !== "collect") {
    return <p className="text-sm text-slate-600">{result.final ? "No numeric output." : "No numeric output yet."}</p>;
  }
  return <p data-testid="result-value" className="font-mono text-2xl font-semibold tabular-nums break-all text-slate-900">{shown(result.value)}</p>;
}

export function ResultCard({ result }: { result: JobResult }) {
  const numeric = result.reducer === "sum" || result.reducer === "min" || result.reducer === "max";
  return (
    <Card aria-labelledby="result-heading" data-testid="job-result">
      <CardHeader id="result-heading" title="Result"
        description={`${LABEL[result.reducer]} of the succeeded items' outputs; dead items are left out.`}
        actions={result.final ? <Badge tone="green">Final</Badge> : <Badge tone="blue" dot>Live partial</Badge>} />
      <CardBody className="space-y-2">
        <Value result={result} />
        <p className="text-sm text-slate-600">
          Over {num(result.count)} {numeric ? "numeric " : ""}output{result.count === 1 ? "" : "s"}
          {result.skipped > 0 && <> · <span data-testid="result-skipped">{num(result.skipped)} skipped (not numbers)</span></>}
        </p>
      </CardBody>
    </Card>
  );
}
