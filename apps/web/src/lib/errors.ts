// Reading the contract error body ({code, message, field}) that the tRPC error formatter
// attaches as `data.fanout`.
export interface FieldError {
  code: string;
  message: string;
  field?: string;
}

export function fanoutError(err: unknown): FieldError | null {
  const data = (err as { data?: { fanout?: FieldError | null } } | null)?.data;
  return data?.fanout ?? null;
}

export function errorMessage(err: unknown): string {
  return fanoutError(err)?.message ?? (err instanceof Error ? err.message : "Something went wrong.");
}

/** tRPC error code (e.g. "NOT_FOUND") when there is one. */
export function errorCode(err: unknown): string | undefined {
  return (err as { data?: { code?: string } } | null)?.data?.code;
}
