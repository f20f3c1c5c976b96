"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { BUILTIN_HANDLERS } from "@fanout/validators";
import { errorMessage, fanoutError } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { buildJob, fieldFor, type FieldErrors, type JobFormValues } from "./build-job";

const INITIAL: JobFormValues = {
  name: "", handler: "sha256", mode: "items", items: '["hello", "world"]', from: "0", to: "1000",
  chunkSize: "", priority: "", maxAttempts: "", timeoutMs: "",
};

const inputClass = "w-full rounded-md border border-slate-300 px-3 py-2 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200 aria-[invalid=true]:border-red-500";

function Field(props: { id: string; label: string; error?: string; hint?: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={props.id} className="mb-1 block text-sm font-medium">{props.label}</label>
      {props.children}
      {props.hint && !props.error && <p id={`${props.id}-hint`} className="mt-1 text-xs text-slate-500">{props.hint}</p>}
      {props.error && <p id={`${props.id}-error`} role="alert" className="mt-1 text-sm text-red-700">{props.error}</p>}
    </div>
  );
}

export function NewJobForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [v, setV] = useState<JobFormValues>(INITIAL);
  const [errors, setErrors] = useState<FieldErrors>({});
  const submit = useMutation(
    trpc.jobs.submit.mutationOptions({
      onSuccess: (res) => router.push(`/jobs/${res.job.id}`),
      onError: (err) => {
        const body = fanoutError(err);
        const path = body?.field?.replace(/^job\./, "");
        setErrors({ [path ? fieldFor(path, v.mode) : "form"]: body?.message ?? errorMessage(err) });
      },
    }),
  );

  const set = (key: keyof JobFormValues) => (e: { target: { value: string } }) => setV((s) => ({ ...s, [key]: e.target.value }));
  const aria = (key: string) => ({
    "aria-invalid": errors[key] ? true : undefined,
    "aria-describedby": errors[key] ? `${key.replace(/\./g, "-")}-error` : undefined,
  });
  const err = (key: string) => errors[key];

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const { job, errors: found } = buildJob(v);
    const shown: FieldErrors = {};
    for (const [path, message] of Object.entries(found)) shown[fieldFor(path, v.mode)] ??= message;
    setErrors(shown);
    if (job) submit.mutate({ job });
  }

  return (
    <section aria-labelledby="new-job-heading" className="max-w-2xl">
      <h1 id="new-job-heading" className="mb-4 text-2xl font-semibold">New job</h1>
      <form onSubmit={onSubmit} noValidate className="space-y-5 rounded-lg border border-slate-200 bg-white p-6">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="name" label="Name (optional)" error={err("name")}>
            <input id="name" value={v.name} onChange={set("name")} maxLength={200} className={inputClass} {...aria("name")} />
          </Field>
          <Field id="handler" label="Handler" error={err("handler")}>
            <select id="handler" value={v.handler} onChange={set("handler")} className={inputClass} {...aria("handler")}>
              {BUILTIN_HANDLERS.map((h) => <option key={h} value={h}>{h}</option>)}
            </select>
          </Field>
        </div>

        <fieldset>
          <legend className="mb-2 text-sm font-medium">Input</legend>
          <div className="mb-3 flex gap-4 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name="mode" value="items" checked={v.mode === "items"} onChange={() => setV((s) => ({ ...s, mode: "items" }))} />
              Items (JSON array)
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="mode" value="range" checked={v.mode === "range"} onChange={() => setV((s) => ({ ...s, mode: "range" }))} />
              Range of integers
            </label>
          </div>
          {v.mode === "items" ? (
            <Field id="input-items" label="Items" error={err("input.items")} hint='A JSON array, e.g. ["a", "b", 3].'>
              <textarea id="input-items" rows={6} value={v.items} onChange={set("items")} spellCheck={false}
                className={`${inputClass} font-mono text-sm`} {...aria("input.items")} />
            </Field>
          ) : (
            <div className="grid gap-4 sm:grid-cols-2">
              <Field id="input-range-from" label="From (inclusive)" error={err("input.range.from")}>
                <input id="input-range-from" type="number" step={1} value={v.from} onChange={set("from")} className={inputClass} {...aria("input.range.from")} />
              </Field>
              <Field id="input-range-to" label="To (exclusive)" error={err("input.range.to")}>
                <input id="input-range-to" type="number" step={1} value={v.to} onChange={set("to")} className={inputClass} {...aria("input.range.to")} />
              </Field>
            </div>
          )}
        </fieldset>

        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="chunkSize" label="Chunk size" error={err("chunkSize")} hint="Items per task; empty lets Fanout choose.">
            <input id="chunkSize" type="number" min={1} step={1} value={v.chunkSize} onChange={set("chunkSize")} className={inputClass} {...aria("chunkSize")} />
          </Field>
          <Field id="priority" label="Priority" error={err("priority")} hint="0 (default) to 10.">
            <input id="priority" type="number" min={0} max={10} step={1} value={v.priority} onChange={set("priority")} className={inputClass} {...aria("priority")} />
          </Field>
          <Field id="maxAttempts" label="Max attempts" error={err("maxAttempts")} hint="Per item; default 3.">
            <input id="maxAttempts" type="number" min={1} max={100} step={1} value={v.maxAttempts} onChange={set("maxAttempts")} className={inputClass} {...aria("maxAttempts")} />
          </Field>
          <Field id="timeoutMs" label="Timeout (ms)" error={err("timeoutMs")} hint="Per task; default 30000.">
            <input id="timeoutMs" type="number" min={1} step={1} value={v.timeoutMs} onChange={set("timeoutMs")} className={inputClass} {...aria("timeoutMs")} />
          </Field>
        </div>

        {err("form") && <p role="alert" className="text-sm text-red-700">{err("form")}</p>}
        <button type="submit" disabled={submit.isPending}
          className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-60">
          {submit.isPending ? "Submitting…" : "Submit job"}
        </button>
      </form>
    </section>
  );
}
