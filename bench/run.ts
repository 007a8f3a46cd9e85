import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve as resolvePath } from "node:path";
import { parseConfig } from "../src/config/load.js";
import { TOKENS, createContainer, resolve } from "../src/container/index.js";
import type { Finding } from "../src/domain/finding.js";
import type { PlannedAction } from "../src/domain/plan.js";
import { SecretValue, maskSecret, sha256Hex } from "../src/domain/secret.js";
import { silentLogger } from "../src/logging/logger.js";
import { startSandboxServer } from "../src/sandbox/server.js";
import { ServiceNowSimulator } from "../src/sandbox/servicenow/index.js";
import type {
  ActionResult,
  ProbeResult,
  TargetAdapter,
} from "../src/targets/types.js";
import { benchIngest } from "./ingest-bench.js";

/**
 * `npm run bench`: the figures of PRODUCT.md §11 that a benchmark measures. It prints them and
 * asserts nothing: timings depend on the machine.
 */
export interface ItsmCallsRow {
  step: string;
  calls: number;
  perFinding: number;
}

/**
 * ServiceNow calls per finding from detection to closure (PRODUCT.md §11: at most 10), counted
 * by the simulator behind the real HTTP server while the real engine and adapter run. Calls are
 * charged to the step event that follows them, so a pass's shared poll lands on its first step.
 */
export async function benchItsmCalls(
  findings: number,
): Promise<ItsmCallsRow[]> {
  const password = randomBytes(12).toString("base64url");
  const simulator = new ServiceNowSimulator({ password });
  const sandbox = await startSandboxServer({ port: 0, systems: [simulator] });
  const perStep = new Map<string, number>();
  let seen = 0;

  try {
    const env = {
      BENCH_CUSTODY_KEY: randomBytes(32).toString("base64"),
      BENCH_SNOW_PASSWORD: password,
      BENCH_PG_PASSWORD: "unused",
    };
    const config = parseConfig(configText(sandbox.url), "bench", env, {
      baseDir: resolvePath("."),
    });
    const container = createContainer(config, {
      env,
      logger: silentLogger,
      onStep: (event) => {
        const delta = simulator.requests.length - seen;
        seen = simulator.requests.length;
        perStep.set(event.name, (perStep.get(event.name) ?? 0) + delta);
      },
    });
    // The target is not what is measured: a stand-in that revokes and proves instantly.
    container.register(TOKENS.targetAdapters, { useValue: [instantTarget] });
    const store = resolve(container, TOKENS.store);
    await store.migrate();
    const engine = resolve(container, TOKENS.engine);

    await engine.ingest(
      Array.from({ length: findings }, (_, i) => benchRecord(i)),
    );
    await passesUntil(engine, "awaiting_approval");
    for (const change of simulator.store.rows("change_request")) {
      simulator.decide(change.sys_id ?? "", "cab.alice", "approved");
    }
    await passesUntil(engine, "closed");
    await store.close();
  } finally {
    await sandbox.close();
  }

  const rows = [...perStep].map(([step, calls]) => ({
    step,
    calls,
    perFinding: calls / findings,
  }));
  const total = rows.reduce((sum, row) => sum + row.calls, 0);
  return [
    ...rows,
    { step: "total", calls: total, perFinding: total / findings },
  ];
}

async function passesUntil(
  engine: {
    runOnce(): Promise<unknown>;
    status(): Promise<{ state: string }[]>;
  },
  state: string,
): Promise<void> {
  for (let pass = 0; pass < 50; pass += 1) {
    await engine.runOnce();
    const rows = await engine.status();
    if (rows.every((row) => row.state === state)) return;
  }
  throw new Error(`findings did not all reach ${state} in 50 passes`);
}

function benchRecord(i: number): { finding: Finding; secret: SecretValue } {
  const value = `bench-password-${i}-${randomBytes(8).toString("hex")}`;
  return {
    secret: new SecretValue(value),
    finding: {
      fingerprint: sha256Hex(`bench:${value}`),
      kind: "secret",
      source: "gitleaks",
      sources: ["gitleaks"],
      detector: "postgres-connection-string",
      status: "open",
      title: `PostgreSQL password of svc_bench_${i}`,
      severity: "high",
      preview: maskSecret(value),
      secretHash: sha256Hex(value),
      locations: [
        { source: "gitleaks", file: `svc/${i}/app.env`, lineReported: 1 },
      ],
      hints: {
        postgres: { host: "db.bench.internal", user: `svc_bench_${i}` },
      },
      tags: [],
      detectedAt: new Date().toISOString(),
    },
  };
}

const instantTarget: TargetAdapter = {
  kind: "postgres",
  id: "pg-bench",
  plan: (identity): PlannedAction[] => [
    {
      id: "a1",
      kind: "postgres.disable-login",
      summary: `ALTER ROLE "${identity.principal}" NOLOGIN`,
      impact: "the role can no longer log in",
      verification: "a login with the leaked password fails",
      undo: `ALTER ROLE "${identity.principal}" LOGIN`,
      optional: false,
      params: { role: identity.principal },
    },
  ],
  execute: (action): Promise<ActionResult> => {
    const at = new Date().toISOString();
    return Promise.resolve({
      actionId: action.id,
      outcome: "done",
      resultCode: "LOGIN_DISABLED",
      requestSummary: action.summary,
      responseIds: [],
      startedAt: at,
      finishedAt: at,
      detail: {},
    });
  },
  verify: (): Promise<ProbeResult> => {
    const at = new Date().toISOString();
    return Promise.resolve({
      answer: "invalid",
      checks: [
        { name: "login", answer: "invalid", observed: "SQLSTATE 28000", at },
      ],
      attempts: 1,
      startedAt: at,
      finishedAt: at,
    });
  },
};

function configText(servicenowUrl: string): string {
  return `
dataDir: ${JSON.stringify(resolvePath(".closeloop-bench", randomBytes(4).toString("hex")))}
custody: { key: { env: BENCH_CUSTODY_KEY } }
log: { level: error, format: json }
itsm:
  - id: snow-bench
    kind: servicenow
    baseUrl: ${servicenowUrl}
    auth: { type: basic, user: closeloop.integration, password: { env: BENCH_SNOW_PASSWORD } }
    integrationUser: closeloop.integration
    attachmentPollMs: 50
targets:
  - id: pg-bench
    kind: postgres
    host: db.bench.internal
    database: app
    admin: { user: postgres, password: { env: BENCH_PG_PASSWORD } }
routing: { default: [snow-bench] }
ownership: {}
mappingsDir: ./mappings
`;
}

// 1 GB of each report (issue 4); BENCH_INGEST_MB=50 for a quick run.
const INGEST_MB = Number(process.env.BENCH_INGEST_MB ?? 1024);
const FINDINGS = Number(process.env.BENCH_FINDINGS ?? 20);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "closeloop-bench-"));
  try {
    console.log(
      `ingest: ${INGEST_MB} MB reports (target ≥100 MB/s, ≥½ JSON.parse, <256 MB RSS)`,
    );
    console.table(await benchIngest({ sizeMb: INGEST_MB, dir }));

    console.log(
      `ServiceNow calls per finding, ${FINDINGS} findings (target ≤10)`,
    );
    console.table(await benchItsmCalls(FINDINGS));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(".closeloop-bench", { recursive: true, force: true });
  }
}

await main();
