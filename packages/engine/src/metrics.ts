import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * Per-process metrics. Each engine owns its registry (tests run many engines in one
 * process); apps add process metrics and serve `text()` at /metrics.
 */
export function createMetrics() {
  const registry = new Registry();
  const reg = { registers: [registry] };
  return {
    registry,
    itemsProcessed: new Counter({ name: "fanout_items_processed_total", help: "Items run by this worker, by handler and outcome (succeeded, retry, dead).", labelNames: ["handler", "outcome"], ...reg }),
    tasksCompleted: new Counter({ name: "fanout_tasks_completed_total", help: "Task runs committed by this worker.", labelNames: ["pool", "handler"], ...reg }),
    commitsRejected: new Counter({ name: "fanout_commits_rejected_total", help: "Task results refused by fencing (lease superseded or job cancelled).", labelNames: ["pool"], ...reg }),
    retries: new Counter({ name: "fanout_item_retries_total", help: "Failed items scheduled for another attempt.", labelNames: ["pool"], ...reg }),
    deadLetters: new Counter({ name: "fanout_dead_letters_total", help: "Items that exhausted their attempts.", labelNames: ["pool"], ...reg }),
    leaseExpiries: new Counter({ name: "fanout_lease_expiries_total", help: "Running tasks whose lease lapsed and were handed out again.", ...reg }),
    reconcilerRepairs: new Counter({ name: "fanout_reconciler_repairs_total", help: "Tasks the reconciler re-enqueued because Redis had lost them.", labelNames: ["kind"], ...reg }),
    taskWait: new Histogram({ name: "fanout_task_wait_seconds", help: "Time from a task's creation to its first claim.", labelNames: ["pool"], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300], ...reg }),
    taskRun: new Histogram({ name: "fanout_task_run_seconds", help: "Time a task run spends in handlers.", labelNames: ["pool", "handler"], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60], ...reg }),
    workerRunning: new Gauge({ name: "fanout_worker_running_tasks", help: "Tasks this worker is running now.", labelNames: ["worker", "pool"], ...reg }),
    workerConcurrency: new Gauge({ name: "fanout_worker_concurrency", help: "Task slots of this worker.", labelNames: ["worker", "pool"], ...reg }),
    schedulerLeader: new Gauge({ name: "fanout_scheduler_leader", help: "1 while this scheduler is the active leader.", labelNames: ["scheduler"], ...reg }),
    admissionRounds: new Counter({ name: "fanout_admission_rounds_total", help: "Admission rounds run by this scheduler, by what started them (wake: a submit or a finished task; tick: the fallback timer) and their outcome (admitted, empty, failed).", labelNames: ["trigger", "outcome"], ...reg }),
    admissions: new Counter({ name: "fanout_tasks_admitted_total", help: "Tasks admitted into BullMQ by this scheduler.", labelNames: ["pool"], ...reg }),
    bullJobsAdded: new Counter({ name: "fanout_queue_jobs_added_total", help: "BullMQ jobs added by this scheduler's admission rounds: single (one task) or bundle (several short tasks of one tenant). fanout_tasks_admitted_total over this is tasks per BullMQ job.", labelNames: ["pool", "kind"], ...reg }),
  };
}

export type EngineMetrics = ReturnType<typeof createMetrics>;
