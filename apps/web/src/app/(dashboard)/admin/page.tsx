import type { Metadata } from "next";
import { ClusterOverview } from "./cluster-overview";

export const metadata: Metadata = { title: "Admin console" };

export default function AdminPage() {
  return <ClusterOverview />;
}
