import type { Metadata } from "next";
import { QuotaEditor } from "./quota-editor";

export const metadata: Metadata = { title: "Quota · Admin" };

export default async function TenantQuotaPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return <QuotaEditor slug={slug} />;
}
