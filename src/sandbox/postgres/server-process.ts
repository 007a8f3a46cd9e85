import { spawn, type ChildProcess } from "node:child_process";
import { chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloseloopError } from "../../domain/errors.js";
import type { PostgresBinaries, RunAs } from "./binaries.js";

const READY = "database system is ready to accept connections";

export interface InitOptions {
  binaries: PostgresBinaries;
  account: RunAs | null;
  databaseDir: string;
  adminUser: string;
  adminPassword: string;
  onOutput: (line: string) => void;
}

/**
 * `initdb` with scram-sha-256 for every connection (local and host lines alike). The password
 * reaches it through a file only the server's account can read, removed right after.
 */
export async function initialiseCluster(options: InitOptions): Promise<void> {
  const { account, databaseDir } = options;
  if (account !== null) await chown(databaseDir, account.uid, account.gid);
  const secretDir = await mkdtemp(join(tmpdir(), "closeloop-pg-init-"));
  const passwordFile = join(secretDir, "password");
  try {
    await writeFile(passwordFile, `${options.adminPassword}\n`, {
      mode: 0o600,
    });
    if (account !== null) {
      await chown(secretDir, account.uid, account.gid);
      await chown(passwordFile, account.uid, account.gid);
    }
    const initdb = spawnAs(options.binaries.initdb, account, [
      `--pgdata=${databaseDir}`,
      "--auth=scram-sha-256",
      `--username=${options.adminUser}`,
      `--pwfile=${passwordFile}`,
      "--encoding=UTF8",
      "--locale=C",
    ]);
    forwardOutput(initdb, options.onOutput);
    const code = await exitOf(initdb);
    if (code !== 0) {
      throw new CloseloopError(
        "EMBEDDED_PG_INITDB_FAILED",
        `initdb exited with ${String(code)}`,
        { details: { databaseDir } },
      );
    }
  } finally {
    await rm(secretDir, { recursive: true, force: true });
  }
}

export interface StartOptions {
  binaries: PostgresBinaries;
  account: RunAs | null;
  databaseDir: string;
  host: string;
  port: number;
  timeoutMs: number;
  onOutput: (line: string) => void;
}

/** A running postmaster; `stop()` asks for a fast shutdown and kills it if that hangs. */
export interface ServerProcess {
  stop(timeoutMs: number): Promise<void>;
}

/** Starts the postmaster on TCP only and resolves once it says it accepts connections. */
export async function startServer(
  options: StartOptions,
): Promise<ServerProcess> {
  const child = spawnAs(options.binaries.postgres, options.account, [
    "-D",
    options.databaseDir,
    "-p",
    String(options.port),
    "-c",
    `listen_addresses=${options.host}`,
    // No Unix socket: every probe goes over TCP through the scram hba lines.
    "-c",
    "unix_socket_directories=",
  ]);
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  const exited = exitOf(child);

  try {
    await waitUntilReady(child, exited, options);
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    process.removeListener("exit", killOnExit);
    throw error;
  }
  return {
    async stop(timeoutMs: number): Promise<void> {
      process.removeListener("exit", killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitUntilReady(
  child: ChildProcess,
  exited: Promise<number | null>,
  options: StartOptions,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve) => {
    forwardOutput(child, (line) => {
      options.onOutput(line);
      if (line.includes(READY)) resolve();
    });
  });
  const failed = exited.then((code) => {
    throw new CloseloopError(
      "EMBEDDED_PG_EXITED",
      `postgres exited with ${String(code)} before accepting connections`,
      { retryable: true, details: { port: options.port } },
    );
  });
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new CloseloopError(
          "EMBEDDED_PG_START_TIMEOUT",
          `postgres did not accept connections within ${options.timeoutMs} ms`,
          { retryable: true, details: { port: options.port } },
        ),
      );
    }, options.timeoutMs);
  });
  try {
    await Promise.race([ready, failed, late]);
  } finally {
    clearTimeout(timer);
  }
}

function spawnAs(
  program: string,
  account: RunAs | null,
  args: string[],
): ChildProcess {
  return spawn(program, args, {
    ...(account === null ? {} : { uid: account.uid, gid: account.gid }),
    // Messages in English whatever the machine's locale: readiness is read from them.
    env: { ...process.env, LC_MESSAGES: "C", LC_ALL: "C" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function forwardOutput(
  child: ChildProcess,
  onLine: (line: string) => void,
): void {
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) if (line.trim() !== "") onLine(line);
    });
  }
}

/** The exit code (null when killed by a signal); a spawn failure counts as an exit too. */
function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once("error", () => resolve(-1));
    child.once("exit", (code) => resolve(code));
  });
}
