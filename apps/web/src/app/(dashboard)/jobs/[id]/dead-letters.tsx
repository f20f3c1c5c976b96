"use client";
// Dead letters grouped by error fingerprint (10,000 failures of one cause are one row),
// with redrive (run again with a fresh attempt budget) and discard (acknowledge) per group.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { TableSkeleton } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { Table, TD, TH, THead, TR } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/errors";
import { num } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

export function DeadLetters({ id, canWrite }: { id: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const groups = useQuery(trpc.jobs.deadLetterGroups.queryOptions({ id }));
  const [discarding, setDiscarding] = useState<{ fingerprint: string; count: number } | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.jobs.pathKey() });
  const redrive = useMutation(trpc.jobs.redrive.mutationOptions({
    onSuccess: () => { toast.success("Dead items sent back to work."); void refresh(); },
    onError: (e) => toast.error(errorMessage(e)),
  }));
  const discard = useMutation(trpc.jobs.discard.mutationOptions({
    onSuccess: (r) => { toast.success(`${num(r.discarded)} dead items discarded.`); setDiscarding(null); void refresh(); },
    onError: (e) => toast.error(errorMessage(e)),
  }));
  if (groups.isPending) return <TableSkeleton rows={3} cols={4} />;
  if (groups.isError) return <ErrorState error={groups.error} onRetry={() => groups.refetch()} title="Could not load dead letters" />;
  if (groups.data.length === 0) return <EmptyState title="No dead letters" icon="✓">Items that exhaust their attempts show up here, grouped by error.</EmptyState>;
  return (
    <>
      <Table label="Dead letters by error">
        <THead><tr><TH>Error</TH><TH>Items</TH><TH>First item</TH><TH>Attempts</TH>{canWrite && <TH><span className="sr-only">Actions</span></TH>}</tr></THead>
        <tbody>
          {groups.data.map((g) => (
            <TR key={g.fingerprint} data-testid="dead-letter-group">
              <TD className="max-w-md">
                <p className="font-mono text-xs break-words text-red-800">{g.sampleError}</p>
                <p className="mt-0.5 font-mono text-[11px] text-slate-600" title="Error fingerprint: numbers, ids and quoted values masked">{g.fingerprint.slice(0, 80)}</p>
              </TD>
              <TD className="tabular-nums font-medium">{num(g.count)}</TD>
              <TD className="tabular-nums">#{g.firstIndex}</TD>
              <TD className="tabular-nums">{g.maxAttempts}</TD>
              {canWrite && (
                <TD>
                  <div className="flex justify-end gap-2">
                    <Button size="sm" variant="primary" disabled={redrive.isPending} onClick={() => redrive.mutate({ id, fingerprint: g.fingerprint })}>Redrive {num(g.count)}</Button>
                    <Button size="sm" variant="danger" onClick={() => setDiscarding({ fingerprint: g.fingerprint, count: g.count })}>Discard</Button>
                  </div>
                </TD>
              )}
            </TR>
          ))}
        </tbody>
      </Table>
      <ConfirmDialog open={!!discarding} title="Discard these dead items?" confirmLabel="Discard" variant="danger" pending={discard.isPending}
        onClose={() => setDiscarding(null)} onConfirm={() => discarding && discard.mutate({ id, fingerprint: discarding.fingerprint })}>
        {discarding && <>The {num(discarding.count)} items stay dead in the results and will not run again.</>}
      </ConfirmDialog>
    </>
  );
}
