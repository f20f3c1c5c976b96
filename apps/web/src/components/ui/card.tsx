import type { HTMLAttributes, ReactNode } from "react";
import { cn } from "./cn";

export function Card({ className, ...props }: HTMLAttributes<HTMLElement>) {
  return <section className={cn("rounded-lg border border-slate-200 bg-white shadow-sm", className)} {...props} />;
}

/** Title row of a card; `id` lets the card be labelled by it (aria-labelledby). */
export function CardHeader({ title, description, actions, id, level = 2 }: { title: ReactNode; description?: ReactNode; actions?: ReactNode; id?: string; level?: 2 | 3 }) {
  const H = level === 2 ? "h2" : "h3";
  return (
    <div className="flex flex-wrap items-start gap-3 border-b border-slate-100 px-4 py-3">
      <div className="min-w-0 flex-1">
        <H id={id} className="text-base font-semibold text-slate-900">{title}</H>
        {description && <p className="mt-0.5 text-sm text-slate-600">{description}</p>}
      </div>
      {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
    </div>
  );
}

export function CardBody({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return <div className={cn("p-4", className)} {...props} />;
}
