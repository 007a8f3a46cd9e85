import type { CliIo } from "../../../src/cli/io.js";

export interface CapturedIo extends CliIo {
  stdout(): string;
  stderr(): string;
}

/** A CliIo that keeps what the CLI writes, for in-process runs. */
export function captureIo(
  env: NodeJS.ProcessEnv = {},
  cwd: string = process.cwd(),
  signal: AbortSignal = new AbortController().signal,
): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env,
    cwd,
    signal,
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}
