import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloseloopError, InputError } from "../../domain/errors.js";
import {
  locateBinaries,
  reachableBinaries,
  serverAccount,
} from "./binaries.js";
import {
  initialiseCluster,
  startServer,
  type ServerProcess,
} from "./server-process.js";

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
  const remember = (line: string): void => {
    output.push(line.trim());
    if (output.length > 40) output.shift();
  };

  try {
    const account = await serverAccount();
    const binaries = await reachableBinaries(await locateBinaries(), account);
    await initialiseCluster({
      binaries,
      account,
      databaseDir,
      adminUser: ADMIN_USER,
      adminPassword,
      onOutput: remember,
    });
    let lastError: unknown;
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
      const port = options.port ? options.port : await findFreePort();
      try {
        const server = await startServer({
          binaries,
          account,
          databaseDir,
          host: HOST,
          port,
          timeoutMs: START_TIMEOUT_MS,
          onOutput: remember,
        });
        return {
          host: HOST,
          port,
          adminUser: ADMIN_USER,
          adminPassword,
          databaseDir,
          stop: () => stopServer(server, databaseDir),
        };
      } catch (cause) {
        lastError = cause;
        // A fixed port that is taken does not free itself by retrying.
        if (options.port) break;
      }
    }
    throw lastError;
  } catch (cause) {
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
  server: ServerProcess,
  databaseDir: string,
): Promise<void> {
  await server.stop(STOP_TIMEOUT_MS);
  await rm(databaseDir, { recursive: true, force: true });
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
