"use client";
// A confirmation dialog on the native <dialog>: modal focus trapping, Esc to close and
// focus return come from the browser.
import { useEffect, useId, useRef, type ReactNode } from "react";
import { Button, type ButtonVariant } from "./button";

export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  variant?: ButtonVariant;
  pending?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={props.onClose}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-lg border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="space-y-3 p-5">
        <h2 id={titleId} className="text-lg font-semibold text-slate-900">{props.title}</h2>
        {props.children && <div className="text-sm text-slate-700">{props.children}</div>}
      </div>
      <div className="flex justify-end gap-2 border-t border-slate-100 bg-slate-50 px-5 py-3">
        <Button onClick={props.onClose} autoFocus>Cancel</Button>
        <Button variant={props.variant ?? "primary"} disabled={props.pending} onClick={props.onConfirm}>
          {props.pending ? "Working…" : props.confirmLabel}
        </Button>
      </div>
    </dialog>
  );
}
