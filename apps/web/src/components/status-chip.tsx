const STYLES: Record<string, string> = {
  queued: "bg-slate-100 text-slate-700 ring-slate-300",
  running: "bg-blue-50 text-blue-800 ring-blue-300",
  succeeded: "bg-green-50 text-green-800 ring-green-300",
  failed: "bg-red-50 text-red-800 ring-red-300",
  cancelled: "bg-amber-50 text-amber-800 ring-amber-300",
};

export function StatusChip({ status }: { status: string }) {
  return (
    <span
      data-testid="job-status"
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLES[status] ?? STYLES.queued}`}
    >
      {status}
    </span>
  );
}
