// Server-rendered shell of the job page: one tenant-scoped read of the job (a few indexed
// queries, whatever the job's size) so the header and progress paint with the first
// byte; everything unbounded (tasks, results, charts) is paged or sampled on the client.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getEngine } from "@/server/engine";
import { canWrite, dashboardSession } from "@/server/session";
import { JobDetail } from "./job-detail";

export const metadata: Metadata = { title: "Job" };

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await dashboardSession();
  if (!session?.current || !/^[0-9a-f-]{36}$/i.test(id)) notFound();
  const job = await getEngine().getJob(session.current.tenantId, id.toLowerCase()).catch((e: { status?: number }) => {
    if (e?.status === 404) return null;
    throw e;
  });
  if (!job) notFound();
  return <JobDetail key={job.id} initial={job} canWrite={canWrite(session.role)} />;
}
