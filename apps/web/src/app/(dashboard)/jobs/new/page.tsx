import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { canWrite, dashboardSession } from "@/server/session";
import { NewJobForm } from "./new-job-form";

export const metadata: Metadata = { title: "New job" };

export default async function NewJobPage() {
  const session = await dashboardSession();
  // Viewers cannot submit (the server refuses too); send them to the list instead of a dead form.
  if (!canWrite(session?.role ?? null)) redirect("/jobs");
  return <NewJobForm />;
}
