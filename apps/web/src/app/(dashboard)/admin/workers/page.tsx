import type { Metadata } from "next";
import { WorkersTable } from "./workers-table";

export const metadata: Metadata = { title: "Workers · Admin" };

export default function WorkersPage() {
  return <WorkersTable />;
}
