/**
 * Everything a command touches outside itself, passed in so that tests can run the CLI in-process.
 * `process.env` and the standard streams are read only in main.ts and handed down from there.
 */
export interface CliIo {
  /** Writes to standard output, as given (callers add the newline). */
  out(text: string): void;
  /** Writes to standard error, as given. */
  err(text: string): void;
  /** Standard error is a terminal: progress may be drawn on it (never on standard output). */
  errIsTty?: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM: long-running commands stop and clean up. */
  signal: AbortSignal;
}

/** The mutable outcome of one CLI run: commands lower it to 1 when their work failed. */
export interface CliOutcome {
  exitCode: number;
}

export function writeLine(write: (text: string) => void, text = ""): void {
  write(`${text}\n`);
}

export function writeJsonLine(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value)}\n`);
}

/** The configuration file a command reads: --config, then CLOSELOOP_CONFIG, then the default. */
export function configPathFrom(
  option: string | undefined,
  env: NodeJS.ProcessEnv,
): string {
  return option ?? env.CLOSELOOP_CONFIG ?? "./config/closeloop.yaml";
}

/** Exit status when the reader closed the pipe first: 128 + SIGPIPE, as shells have it. */
export const CLOSED_PIPE_EXIT = 141;

/**
 * `closeloop status --json | head`: once the reader closes the pipe, a write fails with EPIPE.
 * Nothing more can be said there, so the command ends at once, without a stack trace; any other
 * error of the stream is thrown as it was.
 */
export function endOnClosedPipe(
  stream: NodeJS.EventEmitter,
  exit: (code: number) => void,
): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    exit(CLOSED_PIPE_EXIT);
  });
}
