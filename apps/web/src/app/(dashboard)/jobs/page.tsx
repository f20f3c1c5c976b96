import type { Metadata } from "next";
import { JobsList } from "./jobs-list";

export const metadata: Metadata = { title: "Jobs" };

export default function JobsPage() {
  return <JobsList />;
}
