// Errors the SDK throws. An API error keeps the contract's stable code, the message meant
// for a person and the field at fault, so callers can branch on `code`.
export class FanoutApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Seconds the server asked us to wait (429/503), when it said. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "FanoutApiError";
  }
}

export const isLeaseExpired = (e: unknown) => e instanceof FanoutApiError && e.status === 409 && e.code === "lease_expired";
