import { randomBytes } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { loadConfig } from "../../src/config/load.js";
import { openCloseloop } from "../../src/container/index.js";
import type { Closeloop } from "../../src/container/index.js";
import { jiraBasicAuth } from "../../src/demo/jira-readback.js";
import { maskSecret, sha256Hex } from "../../src/domain/secret.js";
import type { FindingStatusRow, StepEvent } from "../../src/engine/types.js";
import { startHttpServer } from "../../src/http/server.js";
import { JiraSimulator } from "../../src/sandbox/jira/index.js";
import { createRunbookSimulator } from "../../src/sandbox/runbook/index.js";
import { startSandboxServer } from "../../src/sandbox/server.js";
import type { SandboxServer, SandboxSystem } from "../../src/sandbox/server.js";
import { ServiceNowSimulator } from "../../src/sandbox/servicenow/index.js";
import { TABLES } from "../../src/sandbox/servicenow/schema.js";
import { MemoryLogger } from "../helpers/fakes/memory-logger.js";
import { captureIo } from "../unit/cli/capture.js";
import { canaryReports, type CanaryReport } from "./canary-reports.js";

/** Every sink, by name, as the bytes someone could read there. */
type Sinks = Map<string, Buffer>;

const JIRA_EMAIL = "closeloop@example.com";
const BLIND_SOURCES = ["ggshield", "gitguardian-api", "detect-secrets"];
const BEARER_SOURCES = [
  "gitleaks",
  "secretlint",
  "trufflehog",
  "github-secret-scanning",
];

/** The system the probe stands for: it records what it was shown and says the key is gone. */
function recordingProbe(): SandboxSystem & { shown: string[] } {
  const shown: string[] = [];
  return {
    name: "canary-probe",
    shown,
    handle: (request) => {
      if (!new URL(request.url).pathname.startsWith("/canary-probe/")) {
        return Promise.resolve(null);
      }
      shown.push(request.headers.get("authorization") ?? "");
      return Promise.resolve(new Response(null, { status: 401 }));
    },
    renderSection: () => "",
  };
}

function rules(sources: string[]): string {
  return sources
    .map((s) => `\n        - { source: ${s}, principal: svc-canary }`)
    .join("");
}

function configYaml(dir: string, url: string): string {
  const target = (id: string, credential: string, sources: string[]) => `
  - id: ${id}
    kind: runbook
    baseUrl: ${url}/runbook
    revoke: { launchPath: /launch/revoke, description: Revoke the leaked key }
    poll: { intervalMs: 0, deadlineMs: 5000, maxAttempts: 20 }
    probe:
      url: ${url}/canary-probe/${id}
      goneStatus: 401
      credential: ${credential}
      intervalMs: 0
      deadlineMs: 5000
    match:
      rules:${rules(sources)}`;
  return `
dataDir: ${join(dir, "data")}
custody: { key: { env: CUSTODY_KEY } }
log: { level: debug, format: json }
itsm:
  - id: snow
    kind: servicenow
    baseUrl: ${url}
    auth: { type: basic, user: closeloop.integration, password: { env: SNOW_PASSWORD } }
    integrationUser: closeloop.integration
    attachmentPollMs: 20
  - id: jira
    kind: jira
    baseUrl: ${url}
    deployment: cloud
    auth: { type: basic, email: ${JIRA_EMAIL}, apiToken: { env: JIRA_TOKEN } }
    project: TASK
    issueType: Task
    approval: { mode: status, approvedStatuses: [Approved] }
    ratePerSecond: 100
    lookupTimeoutMs: 5000
targets:${target("rb-bearer", "bearer", BEARER_SOURCES)}${target("rb-blind", "none", BLIND_SOURCES)}
routing: { default: [snow, jira] }
ownership: { defaultOwner: payments-team }
mappingsDir: ${resolve("mappings")}
`;
}

/** Every file under `dir`, read raw (the SQLite db, its -wal and -shm, keys, the pause file). */
function filesUnder(dir: string, label: string, into: Sinks): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      filesUnder(path, `${label}/${name}`, into);
    else into.set(`${label}/${name}`, readFileSync(path));
  }
}

/** JSON of simulator and store state, with Maps as objects and bytes as latin1 text. */
function json(value: unknown): Buffer {
  return Buffer.from(
    JSON.stringify(value, (_k, v: unknown) => {
      if (v instanceof Map)
        return Object.fromEntries(v as Map<string, unknown>);
      if (v instanceof Uint8Array) return Buffer.from(v).toString("latin1");
      if (typeof v === "object" && v !== null && "type" in v && "data" in v) {
        if (v.type === "Buffer" && Array.isArray(v.data)) {
          return Buffer.from(v.data as number[]).toString("latin1");
        }
      }
      return v;
    }),
  );
}

/** Where each needle is found: "<needle> in <sink>". */
function hits(sinks: Sinks, needles: Map<string, string>): string[] {
  const found: string[] = [];
  for (const [label, value] of needles) {
    for (const [sink, bytes] of sinks) {
      if (bytes.includes(value)) found.push(`${label} in ${sink}`);
    }
  }
  return found;
}

function needlesOf(reports: CanaryReport[]): Map<string, string> {
  const needles = new Map<string, string>();
  for (const r of reports) {
    for (const [field, value] of Object.entries(r.canaries)) {
      needles.set(`${r.name} ${field}`, value);
      needles.set(
        `${r.name} ${field} (base64)`,
        Buffer.from(value).toString("base64"),
      );
    }
  }
  return needles;
}

async function passUntil(
  loop: Closeloop,
  done: (rows: FindingStatusRow[]) => boolean,
): Promise<FindingStatusRow[]> {
  for (let pass = 0; pass < 120; pass += 1) {
    await loop.engine.runOnce();
    const rows = await loop.engine.status();
    if (done(rows)) return rows;
    await sleep(50);
  }
  const rows = await loop.engine.status();
  throw new Error(
    `the loop stopped short: ${JSON.stringify(rows.map((r) => [r.state, r.reason]))}`,
  );
}

describe("canary secrets fed through every format and the whole loop", () => {
  const dir = mkdtempSync(join(tmpdir(), "closeloop-canary-"));
  const reports = canaryReports();
  const needles = needlesOf(reports);
  const sinks: Sinks = new Map();
  const dryRuns = new Map<string, string>();
  const probe = recordingProbe();
  const snowPassword = randomBytes(12).toString("base64url");
  const snow = new ServiceNowSimulator({ password: snowPassword });
  const jiraToken = randomBytes(12).toString("base64url");
  const jira = new JiraSimulator({
    credentials: [jiraBasicAuth(JIRA_EMAIL, jiraToken)],
  });
  const logger = new MemoryLogger();
  const steps: StepEvent[] = [];
  let sandbox: SandboxServer;
  let rows: FindingStatusRow[] = [];
  let dbWhileOpen: Buffer = Buffer.alloc(0);

  beforeAll(async () => {
    const systems: SandboxSystem[] = [snow, jira, probe];
    sandbox = await startSandboxServer({ port: 0, systems });
    systems.push(createRunbookSimulator({ baseUrl: `${sandbox.url}/runbook` }));
    const configPath = join(dir, "closeloop.yaml");
    writeFileSync(configPath, configYaml(dir, sandbox.url));
    const env: NodeJS.ProcessEnv = {
      CUSTODY_KEY: randomBytes(32).toString("base64"),
      SNOW_PASSWORD: snowPassword,
      JIRA_TOKEN: jiraToken,
    };
    const cli = async (name: string, args: string[]) => {
      const io = captureIo(env, dir);
      const code = await runCli(args, io);
      sinks.set(`stdout of ${name}`, Buffer.from(io.stdout()));
      sinks.set(`stderr of ${name}`, Buffer.from(io.stderr()));
      if (code !== 0) throw new Error(`${name} exited ${code}: ${io.stderr()}`);
      return io.stdout();
    };

    for (const r of reports) {
      const reportDir = join(dir, "reports", r.file.replace(/\W/g, "-"));
      mkdirSync(reportDir, { recursive: true });
      const file = join(reportDir, r.file);
      writeFileSync(file, r.text);
      for (const [name, text] of Object.entries(r.project ?? {})) {
        writeFileSync(join(reportDir, name), text);
      }
      const root = r.project === undefined ? [] : ["--source-root", reportDir];
      const dry = ["ingest", file, "--dry-run", "--json", ...root];
      dryRuns.set(r.name, await cli(`ingest --dry-run of ${r.name}`, dry));
      const real = ["ingest", file, "--json", "--config", configPath, ...root];
      await cli(`ingest of ${r.name}`, real);
    }

    const loop = await openCloseloop(loadConfig(configPath, env), {
      env,
      logger,
      onStep: (e) => steps.push(e),
    });
    const http = await startHttpServer({
      host: "127.0.0.1",
      port: 0,
      health: () => loop.health.report(),
      ready: () => true,
      metrics: loop.metrics,
      logger,
    });
    try {
      await passUntil(loop, (r) =>
        r.every((row) => row.state === "awaiting_approval"),
      );
      for (const f of await loop.store.listFindings()) {
        const tickets = await loop.store.listTickets(f.fingerprint);
        const change = tickets.find((t) => t.itsm === "servicenow");
        snow.decide(change!.ref!.id, "cab.alice", "approved", "CAB ok");
      }
      rows = await passUntil(loop, (r) =>
        r.every((row) => row.state === "closed"),
      );

      const evidence = await loop.store.listEvidence({});
      evidence.forEach((e, i) => sinks.set(`evidence ${i}`, e.bytes));
      sinks.set("evidence records", json(evidence));
      // Read back through the store: many places are kept compressed, which a byte search of the
      // file would not see into.
      sinks.set("stored findings", json(await loop.store.listFindings()));
      sinks.set("metrics", Buffer.from(await fetchText(`${http.url}/metrics`)));
      sinks.set("health", Buffer.from(await fetchText(`${http.url}/health`)));
      filesUnder(join(dir, "data"), "data dir (open)", sinks);
      dbWhileOpen =
        sinks.get("data dir (open)/closeloop.sqlite") ?? dbWhileOpen;
    } finally {
      await http.close();
      await loop.close();
    }

    filesUnder(join(dir, "data"), "data dir (closed)", sinks);
    sinks.set("log lines", Buffer.from(logger.text()));
    sinks.set("log lines (JSON)", json(logger.lines));
    sinks.set("step events", json(steps));
    for (const table of Object.keys(TABLES)) {
      sinks.set(`ServiceNow ${table}`, json(snow.store.rows(table)));
    }
    for (const a of snow.attachments.all()) {
      sinks.set(`ServiceNow attachment ${String(a.meta.sys_id)}`, a.bytes);
    }
    sinks.set("ServiceNow requests", json(snow.requests));
    sinks.set("Jira issues", json([...jira.issues.values()]));
    sinks.set("Jira requests", json(jira.requests));
    for (const issue of jira.issues.values()) {
      for (const a of issue.attachments) {
        sinks.set(`Jira attachment ${issue.key}/${a.filename}`, a.bytes);
      }
    }
    sinks.set("sandbox page", Buffer.from(await fetchText(sandbox.url)));

    await cli("status", ["status", "--json", "--config", configPath]);
    const archive = join(dir, "evidence.tar.gz");
    const exportArgs = ["evidence", "export", "--out", archive];
    await cli("evidence export", [...exportArgs, "--config", configPath]);
    sinks.set("evidence export (gunzipped)", gunzipSync(readFileSync(archive)));
  }, 180_000);

  afterAll(async () => {
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finds the canaries where they were written, so the search itself works", () => {
    const inputs: Sinks = new Map(
      reports.map((r) => [r.name, Buffer.from(r.text)]),
    );
    const secretlint = reports.find((r) => r.project !== undefined)!;
    inputs.set(
      "secretlint project",
      Buffer.from(secretlint.project!["app.env"]!),
    );

    const found = hits(inputs, needles);

    for (const r of reports) {
      const own = [r.name, ...(r.project ? ["secretlint project"] : [])];
      for (const field of Object.keys(r.canaries)) {
        const raw = found.filter((h) => h.startsWith(`${r.name} ${field} in`));
        const b64 = found.filter((h) =>
          h.startsWith(`${r.name} ${field} (base64) in`),
        );
        expect(raw.length + b64.length, `${r.name} ${field}`).toBeGreaterThan(
          0,
        );
        expect(
          [...raw, ...b64].every((h) => own.some((o) => h.endsWith(o))),
        ).toBe(true);
      }
    }
  });

  it("takes every report through ingest, tickets, approval, evidence and closure", () => {
    expect(rows).toHaveLength(reports.length);
    expect(rows.every((r) => r.state === "closed")).toBe(true);
    expect(rows.every((r) => r.tickets.length === 2)).toBe(true);
    expect(snow.attachments.all()).toHaveLength(reports.length);
    const jiraFiles = [...jira.issues.values()].flatMap((i) => i.attachments);
    expect(jiraFiles).toHaveLength(reports.length);
  });

  it("kept each value only for the probe: the target was shown every secret, once sealed", () => {
    const secrets = reports.flatMap((r) =>
      r.secret === null ? [] : [r.secret],
    );

    const shown = new Set(probe.shown.map((h) => h.replace(/^Bearer /, "")));

    for (const secret of secrets) expect(shown.has(secret)).toBe(true);
    expect(shown.has("")).toBe(true);
  });

  it("shows each secret in the dry-run only by its hash and masked preview", () => {
    for (const r of reports.filter((x) => x.secret !== null)) {
      const line = JSON.parse(dryRuns.get(r.name)!.trim()) as {
        secretHash?: string;
        preview?: string;
      };

      expect(line.secretHash, r.name).toBe(sha256Hex(r.secret!));
      expect(line.preview, r.name).toBe(maskSecret(r.secret!));
      expect(dbWhileOpen.includes(sha256Hex(r.secret!)), r.name).toBe(true);
    }
  });

  it("leaves no canary, nor its base64, in any sink", () => {
    expect(sinks.size).toBeGreaterThan(40);
    expect(sinks.get("metrics")!.toString()).toContain("closeloop_");

    expect(hits(sinks, needles)).toEqual([]);
  });
});

async function fetchText(url: string): Promise<string> {
  return (await fetch(url)).text();
}
