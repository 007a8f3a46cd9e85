import { afterEach, describe, expect, it } from "vitest";
import { SecretValue } from "../../../src/domain/secret.js";
import { HealthTracker } from "../../../src/http/health.js";
import { Metrics } from "../../../src/http/metrics.js";
import { startHttpServer } from "../../../src/http/server.js";
import { createGithubAlertWebhookReceiver } from "../../../src/http/webhooks/github/index.js";
import { signSha256 } from "../../../src/http/webhooks/signature.js";
import {
  githubAlertsSourceSchema,
  gitguardianSourceSchema,
  pullFindings,
} from "../../../src/ingest/pull/index.js";
import type { IngestRecord } from "../../../src/ingest/types.js";
import { createGithubAlertsSimulator } from "../../../src/sandbox/github-alerts/index.js";
import type { GithubAlertsSimulator } from "../../../src/sandbox/github-alerts/index.js";
import { alertWebhookPayload } from "../../../src/sandbox/github-alerts/index.js";
import { createGitguardianSimulator } from "../../../src/sandbox/gitguardian/index.js";
import type { GitguardianSimulator } from "../../../src/sandbox/gitguardian/index.js";
import { startSandboxServer } from "../../../src/sandbox/server.js";
import { MemoryLogger } from "../../helpers/fakes/memory-logger.js";

const GH_TOKEN = "ghp_IntegrationTokenMadeUp000000000000003";
const GG_TOKEN = "ggIntegrationKeyMadeUp00000000000000000004";
const HOOK = new SecretValue("integration-hook-secret-0005");
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The sandbox server on a free port; the simulators learn its URL once it listens. */
async function sandbox() {
  const sims: {
    github?: GithubAlertsSimulator;
    gitguardian?: GitguardianSimulator;
  } = {};
  const server = await startSandboxServer({
    systems: [
      {
        name: "github-alerts",
        handle: (r) => sims.github?.handle(r) ?? Promise.resolve(null),
        renderSection: () => sims.github?.renderSection() ?? "",
      },
      {
        name: "gitguardian",
        handle: (r) => sims.gitguardian?.handle(r) ?? Promise.resolve(null),
        renderSection: () => sims.gitguardian?.renderSection() ?? "",
      },
    ],
  });
  closers.push(() => server.close());
  const github = createGithubAlertsSimulator({
    baseUrl: `${server.url}/github`,
    token: GH_TOKEN,
    alerts: Array.from({ length: 120 }, (_, i) => ({
      repository: i % 2 ? "acme/api" : "acme/web",
      number: i + 1,
      state: i % 10 === 0 ? ("resolved" as const) : ("open" as const),
    })),
  });
  const gitguardian = createGitguardianSimulator({
    baseUrl: `${server.url}/gg`,
    token: GG_TOKEN,
    incidents: Array.from({ length: 45 }, (_, i) => ({ id: i + 1 })),
  });
  sims.github = github;
  sims.gitguardian = gitguardian;
  return { url: server.url, github, gitguardian };
}

async function collect(it: AsyncIterable<IngestRecord>) {
  const out: IngestRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

describe("pulling from the sandbox over HTTP", () => {
  it("reads every alert and incident page through real sockets", async () => {
    const { url, github, gitguardian } = await sandbox();
    const logger = new MemoryLogger();
    const deps = { logger, env: { GH_TOKEN, GG_TOKEN } };

    const alerts = await collect(
      pullFindings(
        githubAlertsSourceSchema.parse({
          kind: "github-secret-scanning",
          baseUrl: `${url}/github`,
          owner: "acme",
          token: { env: "GH_TOKEN" },
          perPage: 50,
        }),
        deps,
      ),
    );
    const incidents = await collect(
      pullFindings(
        gitguardianSourceSchema.parse({
          kind: "gitguardian",
          baseUrl: `${url}/gg`,
          token: { env: "GG_TOKEN" },
          perPage: 20,
        }),
        deps,
      ),
    );

    expect(alerts).toHaveLength(120);
    expect(alerts.filter((r) => r.finding.status === "resolved")).toHaveLength(
      12,
    );
    expect(github.requests).toHaveLength(3);
    expect(incidents).toHaveLength(45);
    expect(gitguardian.requests).toHaveLength(3);
    expect(logger.text()).not.toContain(GH_TOKEN);
    expect(logger.text()).not.toContain(GG_TOKEN);
  });

  it("takes a signed webhook through the HTTP server and refuses a forged one", async () => {
    const { github } = await sandbox();
    const received: IngestRecord[] = [];
    const logger = new MemoryLogger();
    const running = await startHttpServer({
      host: "127.0.0.1",
      port: 0,
      health: () => new HealthTracker(() => new Date()).report(),
      ready: () => true,
      metrics: new Metrics(),
      routes: [
        {
          method: "POST",
          path: "/webhooks/github",
          handler: createGithubAlertWebhookReceiver({
            secret: HOOK,
            logger,
            onFindings: (records) => {
              received.push(...records);
            },
          }),
        },
      ],
    });
    closers.push(() => running.close());
    const alert = github.alerts[0];
    if (alert === undefined) throw new Error("no alert seeded");
    const body = JSON.stringify(alertWebhookPayload("created", alert));
    const post = (signature: string, delivery: string) =>
      fetch(`${running.url}/webhooks/github`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "secret_scanning_alert",
          "x-github-delivery": delivery,
          "x-hub-signature-256": signature,
        },
        body,
      });

    const good = await post(signSha256(body, HOOK), "a1");
    const forged = await post(signSha256(body, new SecretValue("wrong")), "a2");

    expect([good.status, forged.status]).toEqual([202, 401]);
    expect(received.map((r) => r.finding.status)).toEqual(["open"]);
    expect(logger.events()).toContain("webhook.rejected");
  });
});
