import { join } from "node:path";
import { InputError } from "../domain/errors.js";
import type { IngestRecord } from "../ingest/index.js";
import { collectFindings } from "../ingest/index.js";
import {
  startEmbeddedPostgres,
  type EmbeddedPostgresServer,
} from "../sandbox/postgres/embedded.js";
import { createLeakyRole } from "../sandbox/postgres/leaky-role.js";
import { loginOutcome } from "./pg-login.js";
import {
  SAMPLE_PROJECT,
  readLeakedLogin,
  type LeakedPostgresLogin,
} from "./sample-project.js";
import { runSecretlint } from "./secretlint.js";
import type { DemoContext } from "./types.js";

export interface PostgresSample {
  pg: EmbeddedPostgresServer;
  leaked: LeakedPostgresLogin;
  records: IngestRecord[];
}

/**
 * The finding every PostgreSQL demo starts from: a real server where the sample project's leaked
 * login works, and secretlint's report of that project read by closeloop's ingest.
 */
export async function preparePostgresSample(
  ctx: DemoContext,
): Promise<PostgresSample> {
  const { report, cleanup } = ctx;
  const projectDir = join(ctx.packageRoot, SAMPLE_PROJECT);
  const leaked = readLeakedLogin(projectDir);

  // Its own directory: run as root, the server runs as an OS user that cannot enter workDir.
  const pg = await startEmbeddedPostgres();
  cleanup.defer("PostgreSQL server", () => pg.stop());
  await createLeakyRole(pg, {
    role: leaked.role,
    password: leaked.password,
    database: leaked.database,
  });
  ctx.signal.throwIfAborted();
  const before = await loginOutcome(pg, leaked);
  report.step(
    "demo.postgres.started",
    `PostgreSQL on 127.0.0.1:${pg.port} (stands for ${leaked.host}): role ` +
      `${leaked.role} logs in with the leaked password: ${before.loggedIn ? "yes" : "no"}`,
    { port: pg.port, role: leaked.role, leakedPasswordLogsIn: before.loggedIn },
  );

  const scan = await runSecretlint(
    projectDir,
    join(ctx.workDir, "secretlint.sarif"),
    ctx.signal,
  );
  const ingested = await collectFindings(scan.sarifPath, {
    format: "sarif",
    sourceRoot: projectDir,
    scanCompleted: true,
  });
  const first = ingested.records[0]?.finding;
  if (first === undefined) {
    throw new InputError(
      "DEMO_NOTHING_FOUND",
      `secretlint found nothing in ${projectDir}; the sample project should leak a password`,
    );
  }
  const where = first.locations[0];
  report.step(
    "demo.scan.finished",
    `secretlint found ${ingested.records.length} secret(s): ${first.detector} ` +
      `${first.preview} in ${where?.file ?? "?"}:${where?.lineReported ?? "?"}`,
    {
      findings: ingested.records.length,
      fingerprint: first.fingerprint,
      detector: first.detector,
      preview: first.preview,
      file: where?.file,
      line: where?.lineReported,
    },
  );
  return { pg, leaked, records: ingested.records };
}
