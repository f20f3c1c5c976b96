import Link from "next/link";

// Rendered (with HTTP 403) when a page calls forbidden(): the admin console for anyone but a
// platform admin, tenant settings and API keys for viewers and members.
export default function Forbidden() {
  return (
    <div className="flex min-h-[60vh] items-center justify-center px-4">
      <div role="alert" className="max-w-md rounded-lg border border-slate-200 bg-white p-8 text-center shadow-sm">
        <p className="text-sm font-semibold text-red-700">403</p>
        <h1 className="mt-1 text-xl font-semibold text-slate-900">You do not have access to this page</h1>
        <p className="mt-2 text-sm text-slate-700">Your role does not allow it. Ask an administrator if you think you should have access.</p>
        <Link href="/jobs" className="mt-4 inline-block font-medium text-indigo-700 hover:underline">Back to jobs</Link>
      </div>
    </div>
  );
}
