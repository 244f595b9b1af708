/** Exit codes shared by every command: scripts and CI steps branch on them. */
export const EXIT = { ok: 0, halt: 1, error: 2, pending: 3 } as const;

/** An error the CLI explains in one message, without a stack, and exits with. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
  }
}
