/**
 * The one error shape of closeloop. Adapters turn every failure of an external system into one of
 * these, once, at their edge; a single boundary per job decides what happens next from `code` and
 * `retryable`, never from the message.
 */
export interface CloseloopErrorOptions {
  cause?: unknown;
  retryable?: boolean;
  /** Milliseconds to wait at least before a retry, when the remote side said so. */
  retryAfterMs?: number;
  /** Structured facts for logs and status; never a secret, never a request body. */
  details?: Record<string, unknown>;
}

export class CloseloopError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    options: CloseloopErrorOptions = {},
  ) {
    super(
      message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details ?? {};
  }
}

/** Bad input from a user: a report, a mapping, a configuration, a command line. Exit code 2. */
export class InputError extends CloseloopError {}

/** The message of whatever was thrown: an Error's own, anything else as a string. */
export function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

export function isCloseloopError(value: unknown): value is CloseloopError {
  return value instanceof CloseloopError;
}

/** Makes a `switch` over a union exhaustive at compile time and loud at run time. */
export function assertNever(value: never, what = "value"): never {
  throw new CloseloopError(
    "UNREACHABLE",
    `unexpected ${what}: ${JSON.stringify(value)}`,
  );
}
