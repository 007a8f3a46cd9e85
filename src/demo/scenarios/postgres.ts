import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { InputError } from "../../domain/errors.js";
import { openCloseloop } from "../../container/index.js";
import { collectFindings } from "../../ingest/index.js";
import { silentLogger } from "../../logging/logger.js";
import { startEmbeddedPostgres } from "../../sandbox/postgres/embedded.js";
import { createLeakyRole } from "../../sandbox/postgres/leaky-role.js";
import { startSandboxServer } from "../../sandbox/server.js";
import { ServiceNowSimulator } from "../../sandbox/servicenow/index.js";
import { decideAsCab } from "../cab.js";
import { loadDemoConfig } from "../demo-config.js";
import { passUntil } from "../passes.js";
import { loginOutcome } from "../pg-login.js";
import { SAMPLE_PROJECT, readLeakedLogin } from "../sample-project.js";
import { readClosedChange, findChangeSysId } from "../servicenow-readback.js";
import { describeStep } from "../step-text.js";
import { runSecretlint } from "../secretlint.js";
import type { DemoContext, DemoOutcome, DemoScenario } from "../types.js";

const CAB_MEMBER = "cab.alice";
const PASS_DEADLINE_MS = 45_000;

/**
 * secretlint finds the sample project's leaked PostgreSQL password; a ServiceNow change is opened
 * in the sandbox, a CAB member approves it there, closeloop disables the role on a real server,
 * proves the password no longer logs in, attaches the evidence and closes the change.
 */
export const postgresScenario: DemoScenario = {
  name: "postgres",
  summary:
    "a leaked PostgreSQL password, a ServiceNow change, a real PostgreSQL server",
  run: runPostgresScenario,
};

async function runPostgresScenario(ctx: DemoContext): Promise<DemoOutcome> {
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

  ctx.signal.throwIfAborted();
  const snowPassword = randomBytes(18).toString("base64url");
  const servicenow = new ServiceNowSimulator({ password: snowPassword });
  const sandbox = await startSandboxServer({ port: 0, systems: [servicenow] });
  cleanup.defer("ServiceNow sandbox", () => sandbox.close());
  report.step(
    "demo.sandbox.started",
    `ServiceNow sandbox on ${sandbox.url} (approval page at ${sandbox.url}/)`,
    { url: sandbox.url },
  );

  const env: NodeJS.ProcessEnv = {
    CLOSELOOP_DEMO_CUSTODY_KEY: randomBytes(32).toString("base64"),
    CLOSELOOP_DEMO_SNOW_PASSWORD: snowPassword,
    CLOSELOOP_DEMO_PG_ADMIN_PASSWORD: pg.adminPassword,
  };
  const config = loadDemoConfig(ctx.packageRoot, env, {
    servicenowUrl: sandbox.url,
    postgresPort: pg.port,
    dataDir: join(ctx.workDir, "closeloop"),
  });
  // The evidence signing key is created in this run's data directory: a new one every run.
  const loop = await openCloseloop(config, {
    env,
    logger: silentLogger,
    onStep: (event) => {
      const step = describeStep(event);
      report.step(step.event, step.text, step.fields);
    },
  });
  cleanup.defer("closeloop store", () => loop.close());

  await loop.engine.ingest(ingested.records);
  const waiting = await passUntil(
    loop.engine,
    ctx.signal,
    PASS_DEADLINE_MS,
    (row) => (row.state === "awaiting_approval" ? true : null),
  );
  const change = waiting.tickets[0]?.key ?? null;
  if (waiting.state !== "awaiting_approval" || change === null) {
    return { state: waiting.state, reason: waiting.reason };
  }

  const sysId = await findChangeSysId(
    sandbox.url,
    change,
    CAB_MEMBER,
    snowPassword,
  );
  await decideAsCab({
    sandboxUrl: sandbox.url,
    sysId,
    approver: CAB_MEMBER,
    decision: "approved",
  });
  report.step(
    "demo.cab.approved",
    `${CAB_MEMBER} (CAB) approved ${change} on the sandbox's approval page`,
    { change, approver: CAB_MEMBER },
  );

  const done = await passUntil(
    loop.engine,
    ctx.signal,
    PASS_DEADLINE_MS,
    () => null,
  );
  const after = await loginOutcome(pg, leaked);
  const readback = await readClosedChange(
    sandbox.url,
    sysId,
    "admin",
    snowPassword,
  );
  const evidence = await loop.store.listEvidence({});
  const evidenceSha256 = evidence.at(-1)?.sha256 ?? null;
  report.step(
    "demo.checked",
    `checked independently: ${change} is ${readback.stateLabel} (${readback.closeCode}); ` +
      `the leaked password logs in: ${after.loggedIn ? "YES" : `no (${after.observed})`}`,
    {
      change,
      changeState: readback.stateLabel,
      closeCode: readback.closeCode,
      attachments: readback.attachments,
      leakedPasswordLogsIn: after.loggedIn,
      loginRefusal: after.observed,
    },
  );

  const attached = readback.attachments.some(
    (a) => a.sha256 === evidenceSha256,
  );
  return {
    state:
      done.state === "closed" && attached && !after.loggedIn
        ? "closed"
        : done.state,
    change,
    ...(evidenceSha256 === null ? {} : { evidenceSha256 }),
    changeState: readback.stateLabel,
    closeCode: readback.closeCode,
    evidenceAttached: attached,
    leakedPasswordLogsIn: after.loggedIn,
  };
}
