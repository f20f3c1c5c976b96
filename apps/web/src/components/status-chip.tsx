import { Badge, type Tone } from "./ui/badge";

const TONES: Record<string, Tone> = { queued: "neutral", running: "blue", succeeded: "green", failed: "red", cancelled: "amber" };

export function StatusChip({ status, paused }: { status: string; paused?: boolean }) {
  return (
    <span className="inline-flex items-center gap-1.5">
      <Badge tone={TONES[status] ?? "neutral"} dot>
        <span data-testid="job-status">{status}</span>
      </Badge>
      {paused && <Badge tone="amber">paused</Badge>}
    </span>
  );
}
