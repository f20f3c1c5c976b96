"use client";
// Submit a job: items typed as JSON, uploaded as a JSON/NDJSON file, or a numeric range;
// validated in the browser with the server's own zod schema (./build-job.ts), then sent
// through tRPC, whose errors land on the field they name.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { BUILTIN_HANDLERS, REDUCERS } from "@fanout/validators";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { describedBy, Field, Input, Select, Textarea } from "@/components/ui/form";
import { PageHeader } from "@/components/ui/page-header";
import { useToast } from "@/components/ui/toast";
import { errorMessage, fanoutError } from "@/lib/errors";
import { num } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { buildJob, fieldFor, parseItemsFile, type FieldErrors, type InputMode, type JobFormValues } from "./build-job";

const INITIAL: JobFormValues = {
  name: "", handler: "sha256", mode: "items", items: '["hello", "world"]', fileItems: null, from: "0", to: "1000",
  chunkSize: "", priority: "", maxAttempts: "", timeoutMs: "", labels: "", reduce: "",
};
const MODES: { id: InputMode; label: string }[] = [
  { id: "items", label: "Items (JSON)" },
  { id: "file", label: "Upload a file" },
  { id: "range", label: "Range of integers" },
];

export function NewJobForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const [v, setV] = useState<JobFormValues>(INITIAL);
  const [idempotencyKey, setIdempotencyKey] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const submit = useMutation(
    trpc.jobs.submit.mutationOptions({
      onSuccess: (res) => {
        toast.success(res.created ? `Job "${res.job.name}" submitted.` : "A job with this idempotency key already exists; showing it.");
        // Next keeps the scroll offset when the next page is visible at it: start the job page at its top.
        window.scrollTo({ top: 0 });
        router.push(`/jobs/${res.job.id}`);
      },
      onError: (err) => {
        const body = fanoutError(err);
        const path = body?.field?.replace(/^job\./, "");
        setErrors({ [path ? fieldFor(path, v.mode) : "form"]: body?.message ?? errorMessage(err) });
      },
    }),
  );

  const set = (key: keyof JobFormValues) => (e: { target: { value: string } }) => setV((s) => ({ ...s, [key]: e.target.value }));
  const err = (key: string) => errors[key];
  const a = (id: string, key: string, hint = false) => describedBy(id, errors[key], hint);

  async function onFile(file: File | undefined) {
    setFileName(file?.name ?? null);
    if (!file) return setV((s) => ({ ...s, fileItems: null }));
    try {
      const items = parseItemsFile(await file.text());
      setV((s) => ({ ...s, fileItems: items }));
      setErrors((e) => ({ ...e, "input.file": "" }));
    } catch (e) {
      setV((s) => ({ ...s, fileItems: null }));
      setErrors((x) => ({ ...x, "input.file": (e as Error).message }));
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const { job, errors: found } = buildJob(v);
    const shown: FieldErrors = {};
    for (const [path, message] of Object.entries(found)) shown[fieldFor(path, v.mode)] ??= message;
    setErrors(shown);
    if (job) submit.mutate({ job, idempotencyKey: idempotencyKey.trim() || undefined });
    else document.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
  }

  return (
    <section aria-labelledby="new-job-heading" className="max-w-3xl">
      <PageHeader id="new-job-heading" title="New job" description="Fanout splits the items into tasks and runs them across the workers." />
      <Card>
        <CardBody>
          <form onSubmit={onSubmit} noValidate className="space-y-6">
            <div className="grid gap-4 sm:grid-cols-3">
              <Field id="name" label="Name (optional)" error={err("name")}>
                <Input id="name" value={v.name} onChange={set("name")} maxLength={200} {...a("name", "name")} />
              </Field>
              <Field id="handler" label="Handler" error={err("handler")}>
                <Select id="handler" value={v.handler} onChange={set("handler")} {...a("handler", "handler")}>
                  {BUILTIN_HANDLERS.map((h) => <option key={h} value={h}>{h}</option>)}
                </Select>
              </Field>
              <Field id="reduce" label="Reduce" error={err("reduce")} hint="The job's result from its outputs.">
                <Select id="reduce" value={v.reduce} onChange={set("reduce")} {...a("reduce", "reduce", true)}>
                  <option value="">Handler default</option>
                  {REDUCERS.map((r) => <option key={r} value={r}>{r}</option>)}
                </Select>
              </Field>
            </div>

            <fieldset>
              <legend className="mb-2 text-sm font-medium text-slate-800">Input</legend>
              <div className="mb-3 flex flex-wrap gap-x-5 gap-y-2 text-sm">
                {MODES.map((m) => (
                  <label key={m.id} className="flex items-center gap-2">
                    <input type="radio" name="mode" value={m.id} checked={v.mode === m.id} onChange={() => setV((s) => ({ ...s, mode: m.id }))} />
                    {m.label}
                  </label>
                ))}
              </div>
              {v.mode === "items" && (
                <Field id="input-items" label="Items" error={err("input.items")} hint='A JSON array, e.g. ["a", "b", 3].'>
                  <Textarea id="input-items" rows={6} value={v.items} onChange={set("items")} spellCheck={false} className="font-mono" {...a("input-items", "input.items", true)} />
                </Field>
              )}
              {v.mode === "file" && (
                <Field id="input-file" label="Items file" error={err("input.file") || undefined}
                  hint={v.fileItems ? `${num(v.fileItems.length)} items read from ${fileName}.` : "A .json file holding an array, or .ndjson with one item per line. Read in your browser."}>
                  <Input id="input-file" type="file" accept=".json,.ndjson,.jsonl,application/json,application/x-ndjson,text/plain"
                    onChange={(e) => onFile(e.target.files?.[0])} className="h-auto py-1.5" {...a("input-file", "input.file", true)} />
                </Field>
              )}
              {v.mode === "range" && (
                <div className="grid gap-4 sm:grid-cols-2">
                  <Field id="input-range-from" label="From (inclusive)" error={err("input.range.from")}>
                    <Input id="input-range-from" type="number" step={1} value={v.from} onChange={set("from")} {...a("input-range-from", "input.range.from")} />
                  </Field>
                  <Field id="input-range-to" label="To (exclusive)" error={err("input.range.to")}>
                    <Input id="input-range-to" type="number" step={1} value={v.to} onChange={set("to")} {...a("input-range-to", "input.range.to")} />
                  </Field>
                </div>
              )}
            </fieldset>

            <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
              <Field id="chunkSize" label="Chunk size" error={err("chunkSize")} hint="Items per task; empty: Fanout picks.">
                <Input id="chunkSize" type="number" min={1} step={1} value={v.chunkSize} onChange={set("chunkSize")} {...a("chunkSize", "chunkSize", true)} />
              </Field>
              <Field id="priority" label="Priority" error={err("priority")} hint="0 (default) to 10.">
                <Input id="priority" type="number" min={0} max={10} step={1} value={v.priority} onChange={set("priority")} {...a("priority", "priority", true)} />
              </Field>
              <Field id="maxAttempts" label="Max attempts" error={err("maxAttempts")} hint="Per item; default 3.">
                <Input id="maxAttempts" type="number" min={1} max={100} step={1} value={v.maxAttempts} onChange={set("maxAttempts")} {...a("maxAttempts", "maxAttempts", true)} />
              </Field>
              <Field id="timeoutMs" label="Timeout (ms)" error={err("timeoutMs")} hint="Per item; default 30000.">
                <Input id="timeoutMs" type="number" min={1} step={1} value={v.timeoutMs} onChange={set("timeoutMs")} {...a("timeoutMs", "timeoutMs", true)} />
              </Field>
            </div>

            <div className="grid gap-4 sm:grid-cols-2">
              <Field id="labels" label="Labels (optional)" error={err("labels")} hint="key=value, separated by commas or lines.">
                <Textarea id="labels" rows={2} value={v.labels} onChange={set("labels")} placeholder="env=prod, team=data" className="font-mono" {...a("labels", "labels", true)} />
              </Field>
              <Field id="idempotencyKey" label="Idempotency key (optional)" hint="Submitting again with the same key returns the same job.">
                <Input id="idempotencyKey" value={idempotencyKey} maxLength={255} onChange={(e) => setIdempotencyKey(e.target.value)} aria-describedby="idempotencyKey-hint" />
              </Field>
            </div>

            {err("form") && <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">{err("form")}</p>}
            <div className="flex gap-2">
              <Button type="submit" variant="primary" disabled={submit.isPending}>{submit.isPending ? "Submitting…" : "Submit job"}</Button>
              <Button onClick={() => router.back()}>Cancel</Button>
            </div>
          </form>
        </CardBody>
      </Card>
    </section>
  );
}
