/** An expected failure: its message is the one line printed on stderr. */
export class CliError extends Error {
  constructor(
    message: string,
    /** 1: the action failed (unknown tenant, duplicate...); 2: bad usage (bad number, unknown command). */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string) => new CliError(message, 2);
