import type { Metadata } from "next";
import { Suspense } from "react";
import { TableSkeleton } from "@/components/ui/skeleton";
import { canWrite, dashboardSession } from "@/server/session";
import { JobsList } from "./jobs-list";

export const metadata: Metadata = { title: "Jobs" };

export default async function JobsPage() {
  const session = await dashboardSession();
  // useSearchParams needs a Suspense boundary above it.
  return (
    <Suspense fallback={<TableSkeleton rows={6} cols={5} />}>
      <JobsList canSubmit={canWrite(session?.role ?? null)} />
    </Suspense>
  );
}
