import type { HTMLAttributes, ReactNode, TdHTMLAttributes, ThHTMLAttributes } from "react";
import { cn } from "./cn";

/** A scrollable table; `label` names it for screen readers. */
export function Table({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  return (
    // Focusable and named, so keyboard users can scroll a wide table (axe: scrollable-region-focusable).
    <div role="region" aria-label={label} tabIndex={0} className={cn("overflow-x-auto focus-visible:outline-2 focus-visible:outline-indigo-600", className)}>
      <table aria-label={label} className="w-full min-w-max text-left text-sm">{children}</table>
    </div>
  );
}
export const THead = ({ children }: { children: ReactNode }) => <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">{children}</thead>;
export const TH = ({ className, ...p }: ThHTMLAttributes<HTMLTableCellElement>) => <th scope="col" className={cn("px-3 py-2 font-medium", className)} {...p} />;
export const TR = ({ className, ...p }: HTMLAttributes<HTMLTableRowElement>) => <tr className={cn("border-t border-slate-100", className)} {...p} />;
export const TD = ({ className, ...p }: TdHTMLAttributes<HTMLTableCellElement>) => <td className={cn("px-3 py-2 align-middle", className)} {...p} />;
