import type { Metadata } from "next";
import { NewJobForm } from "./new-job-form";

export const metadata: Metadata = { title: "New job" };

export default function NewJobPage() {
  return <NewJobForm />;
}
