import { randomBytes } from "node:crypto";
import { resolve as resolvePath } from "node:path";
import { parseConfig } from "../src/config/load.js";
import {
  TOKENS,
  createContainer,
  loadAdapters,
  resolve,
} from "../src/container/index.js";
import type { Finding } from "../src/domain/finding.js";
import type { PlannedAction } from "../src/domain/plan.js";
import { SecretValue, maskSecret, sha256Hex } from "../src/domain/secret.js";
import { silentLogger } from "../src/logging/logger.js";
import type { SandboxSystem } from "../src/sandbox/server.js";
import { startSandboxServer } from "../src/sandbox/server.js";
import type {
  ActionResult,
  ProbeResult,
  TargetAdapter,
} from "../src/targets/types.js";

export interface ItsmCallsRow {
  step: string;
  calls: number;
  perFinding: number;
}

/** One request as a simulator recorded it, reduced to what classifying it needs. */
export interface SeenRequest {
  method: string;
  /** Path and query string. */
  url: string;
}

/** What differs between the ITSMs: the simulator, the config, and how a CAB member approves. */
export interface ItsmBenchSetup {
  system: SandboxSystem;
  requests: () => SeenRequest[];
  /** The `itsm:` entry (YAML, indented as a list item) for a simulator at `url`. */
  itsmYaml: (url: string) => string;
  env: Record<string, string>;
  approveAll: () => void;
  /** Requests not made for one finding: the pass's shared poll, lookups made once per instance. */
  shared: (request: SeenRequest) => string | null;
}

/**
 * ITSM requests per finding from detection to closure (PRODUCT.md §11: at most 10), counted by
 * the simulator behind the real HTTP server while the real engine and adapter run. A request is
 * charged to the step event that follows it; the shared poll and once-per-instance lookups get
 * rows of their own and stay out of the per-finding total.
 */
export async function benchCalls(
  setup: ItsmBenchSetup,
  findings: number,
): Promise<ItsmCallsRow[]> {
  const sandbox = await startSandboxServer({
    port: 0,
    systems: [setup.system],
  });
  const perStep = new Map<string, number>();
  const sharedRows = new Map<string, number>();
  let seen = 0;
  const charge = (step: string): void => {
    const all = setup.requests();
    for (const request of all.slice(seen)) {
      const shared = setup.shared(request);
      const row = shared ?? step;
      const into = shared === null ? perStep : sharedRows;
      into.set(row, (into.get(row) ?? 0) + 1);
    }
    seen = all.length;
  };

  try {
    const env = {
      BENCH_CUSTODY_KEY: randomBytes(32).toString("base64"),
      BENCH_PG_PASSWORD: "unused",
      ...setup.env,
    };
    const config = parseConfig(
      configText(setup.itsmYaml(sandbox.url)),
      "bench",
      env,
      {
        baseDir: resolvePath("."),
      },
    );
    await loadAdapters(config);
    const container = createContainer(config, {
      env,
      logger: silentLogger,
      onStep: (event) => charge(event.name),
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
    setup.approveAll();
    await passesUntil(engine, "closed");
    charge("after the last step");
    await store.close();
  } finally {
    await sandbox.close();
  }

  const row = (step: string, calls: number): ItsmCallsRow => ({
    step,
    calls,
    perFinding: calls / findings,
  });
  const rows = [...perStep].map(([step, calls]) => row(step, calls));
  const total = rows.reduce((sum, r) => sum + r.calls, 0);
  const shared = [...sharedRows].map(([step, calls]) => row(step, calls));
  const sharedTotal = shared.reduce((sum, r) => sum + r.calls, 0);
  return [
    ...rows,
    row("per finding (target ≤10)", total),
    ...shared,
    row("all requests, shared ones spread", total + sharedTotal),
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
  endpoint: () => Promise.resolve("127.0.0.1:5432/bench"),
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

function configText(itsmYaml: string): string {
  return `
dataDir: ${JSON.stringify(resolvePath(".closeloop-bench", randomBytes(4).toString("hex")))}
custody: { key: { env: BENCH_CUSTODY_KEY } }
log: { level: error, format: json }
itsm:
${itsmYaml}
targets:
  - id: pg-bench
    kind: postgres
    host: db.bench.internal
    database: app
    admin: { user: postgres, password: { env: BENCH_PG_PASSWORD } }
routing: { default: [itsm-bench] }
ownership: { defaultOwner: bench-team }
mappingsDir: ./mappings
`;
}
