import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runCli } from "../../../src/cli/program.js";
import { loadConfig } from "../../../src/config/load.js";
import { openCloseloop } from "../../../src/container/index.js";
import { decideAsCab } from "../../../src/demo/cab.js";
import { findChangeSysId } from "../../../src/demo/servicenow-readback.js";
import type { Finding } from "../../../src/domain/finding.js";
import type { FindingStatusRow } from "../../../src/engine/types.js";
import { silentLogger } from "../../../src/logging/logger.js";
import { createRunbookSimulator } from "../../../src/sandbox/runbook/index.js";
import type { RunbookSimulator } from "../../../src/sandbox/runbook/index.js";
import { startSandboxServer } from "../../../src/sandbox/server.js";
import type {
  SandboxServer,
  SandboxSystem,
} from "../../../src/sandbox/server.js";
import { ServiceNowSimulator } from "../../../src/sandbox/servicenow/index.js";
import { captureIo, type CapturedIo } from "../../unit/cli/capture.js";

export const ENDPOINT = "api.payments.internal:443";
export const WEBHOOK_SECRET = "snow-webhook-secret-0123456789";
export const GITHUB_SECRET = "github-webhook-secret-0123456789";

export interface Daemon {
  dir: string;
  configPath: string;
  env: NodeJS.ProcessEnv;
  sandbox: SandboxServer;
  servicenow: ServiceNowSimulator;
  runbook: RunbookSimulator;
  cli(args: string[], signal?: AbortSignal): Promise<CliRun>;
  cliStarted(
    args: string[],
    signal: AbortSignal,
  ): { io: CapturedIo; done: Promise<number> };
  ingestCertificateFinding(): Promise<Finding>;
  status(): Promise<FindingStatusRow[]>;
  approve(change: string): Promise<void>;
  close(): Promise<void>;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A real configuration file, a served ServiceNow sandbox and a runbook service behind one
 * sandbox server on 127.0.0.1, and the CLI run in-process against them.
 */
export async function startDaemonHarness(
  options: {
    webhooks?: boolean;
    /** The daemon's polling fallback; a minute by default, so that only hints start passes. */
    pollIntervalMs?: number;
    /** Top-level YAML appended to the configuration, given the sandbox's URL. */
    extraYaml?: (sandboxUrl: string) => string;
    /** More simulators behind the same sandbox server, given its URL. */
    systems?: (sandboxUrl: string) => SandboxSystem[];
  } = {},
): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), "closeloop-daemon-"));
  const password = randomBytes(12).toString("base64url");
  const servicenow = new ServiceNowSimulator({ password });
  const systems: SandboxSystem[] = [servicenow];
  const sandbox = await startSandboxServer({ port: 0, systems });
  // The runbook simulator names its own status URLs, so it needs the port the server got.
  const runbook = createRunbookSimulator({ baseUrl: `${sandbox.url}/runbook` });
  systems.push(runbook, ...(options.systems?.(sandbox.url) ?? []));

  const env: NodeJS.ProcessEnv = {
    CUSTODY_KEY: randomBytes(32).toString("base64"),
    SNOW_PASSWORD: password,
    SNOW_WEBHOOK_SECRET: WEBHOOK_SECRET,
    GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
  };
  const configPath = join(dir, "closeloop.yaml");
  writeFileSync(
    configPath,
    configYaml(
      dir,
      sandbox.url,
      options.webhooks ?? false,
      options.pollIntervalMs ?? 60_000,
    ) + (options.extraYaml?.(sandbox.url) ?? ""),
  );

  const cli = async (args: string[], signal?: AbortSignal) => {
    const io = captureIo(env, dir, signal);
    const code = await runCli([...args, "--config", configPath], io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  };
  const open = () =>
    openCloseloop(loadConfig(configPath, env), { env, logger: silentLogger });

  return {
    dir,
    configPath,
    env,
    sandbox,
    servicenow,
    runbook,
    cli,
    cliStarted: (args, signal) => {
      const io = captureIo(env, dir, signal);
      return { io, done: runCli([...args, "--config", configPath], io) };
    },
    ingestCertificateFinding: async () => {
      const finding = certificateFinding();
      const loop = await open();
      try {
        await loop.engine.ingest([{ finding, secret: null }]);
      } finally {
        await loop.close();
      }
      return finding;
    },
    status: async () => {
      const run = await cli(["status", "--json"]);
      return run.stdout
        .trim()
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as FindingStatusRow);
    },
    approve: async (change) => {
      const sysId = await findChangeSysId(
        sandbox.url,
        change,
        "admin",
        password,
      );
      await decideAsCab({
        sandboxUrl: sandbox.url,
        sysId,
        approver: "cab.alice",
        decision: "approved",
      });
    },
    close: async () => {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const WEBHOOKS_YAML = `
  webhooks:
    itsm:
      snow: { secret: { env: SNOW_WEBHOOK_SECRET } }
    github: { secret: { env: GITHUB_WEBHOOK_SECRET } }`;

function configYaml(
  dir: string,
  sandboxUrl: string,
  webhooks: boolean,
  pollIntervalMs: number,
): string {
  return `
dataDir: ${join(dir, "data")}
custody: { key: { env: CUSTODY_KEY } }
log: { level: error }
http:
  host: 127.0.0.1
  port: 0${webhooks ? WEBHOOKS_YAML : ""}
itsm:
  - id: snow
    kind: servicenow
    baseUrl: ${sandboxUrl}
    auth: { type: basic, user: closeloop.integration, password: { env: SNOW_PASSWORD } }
    integrationUser: closeloop.integration
    attachmentPollMs: 50
targets:
  - id: cert-runbook
    kind: runbook
    baseUrl: ${sandboxUrl}/runbook
    concurrency: 2
    breaker: { failureThreshold: 3 }
    revoke:
      launchPath: /launch/revoke-cert
      description: Revoke the certificate and its key on the load balancer
    poll: { intervalMs: 0, deadlineMs: 5000, maxAttempts: 20 }
    probe:
      url: ${sandboxUrl}/runbook/probe
      goneStatus: 401
      credential: none
      intervalMs: 0
      deadlineMs: 5000
    match: { endpoints: ["${ENDPOINT}"] }
routing: { default: [snow] }
ownership: { defaultOwner: payments-team }
policy: { pollIntervalMs: ${pollIntervalMs} }
mappingsDir: ${resolve("mappings")}
`;
}

function certificateFinding(): Finding {
  const fingerprint = createHash("sha256").update(ENDPOINT).digest("hex");
  return {
    fingerprint,
    kind: "certificate",
    source: "certificate",
    sources: ["certificate"],
    detector: "certificate-expiring",
    status: "open",
    title: `TLS certificate of ${ENDPOINT} expires in 3 days`,
    severity: "high",
    preview: "CN=api.payments.internal",
    locations: [{ source: "certificate" }],
    hints: { certificateEndpoint: ENDPOINT },
    tags: [],
    detectedAt: "2026-05-01T10:00:00.000Z",
  };
}
