"use client";
// Error boundary for every dashboard page: the navigation stays, the page offers a retry
// (Next's retry() re-fetches server data and re-renders the segment).
import { useEffect } from "react";
import { Button, ButtonLink } from "@/components/ui/button";

export default function DashboardError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  useEffect(() => console.error(error), [error]);
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold text-slate-900">This page could not be shown</h1>
      <p className="mt-1 text-sm text-slate-700">
        Something went wrong on our side{error.digest ? <> (reference <code className="font-mono">{error.digest}</code>)</> : null}. Your data is safe; try again.
      </p>
      <div className="mt-4 flex gap-2">
        <Button variant="primary" onClick={() => retry()}>Try again</Button>
        <ButtonLink href="/jobs">Go to jobs</ButtonLink>
      </div>
    </div>
  );
}
