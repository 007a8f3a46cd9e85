import { join } from "node:path";
import { SalesforceSimulator } from "../../sandbox/salesforce/index.js";
import { freshSecret } from "../demo-loop.js";
import { createDemoServiceNow, startDemoSandbox } from "../demo-sandbox.js";
import {
  plantAccessToken,
  salesforceTokenOutcome,
} from "../salesforce-sample.js";
import { ingestBundledReport, readSampleSetting } from "../sample-report.js";
import { runThroughServiceNow } from "../servicenow-run.js";
import type { DemoContext, DemoOutcome, DemoScenario } from "../types.js";

const SAMPLE = join("examples", "leaked-salesforce-token");
const CONFIG_FILE = join("config", "demo-salesforce-user.yaml");
const CONNECTOR_APP = "3MVG9closeloopDemoConnectorApp";
const CONNECTOR_USER = "closeloop@acme-demo.example";
const JOB_APP = "3MVG9orderSyncJobApp";

/**
 * TruffleHog's report of an integration user's access token in a job's settings: closeloop
 * revokes the token, freezes the user and ends its sessions in the simulated org once the CAB
 * approved, and proves the token no longer works and no session of the user is left.
 */
export const salesforceUserScenario: DemoScenario = {
  name: "salesforce-user",
  summary:
    "a leaked Salesforce token of an integration user, a ServiceNow change, a simulated org",
  run: runSalesforceUserScenario,
};

async function runSalesforceUserScenario(
  ctx: DemoContext,
): Promise<DemoOutcome> {
  const projectDir = join(ctx.packageRoot, SAMPLE);
  const settings = join(projectDir, "config", "integration.env");
  const token = readSampleSetting(settings, "SF_ACCESS_TOKEN");
  const leakyUser = readSampleSetting(settings, "SF_USERNAME").reveal();
  const connectorSecret = freshSecret();

  const salesforce = new SalesforceSimulator({
    seed: {
      // An access token starts with its org's Id (`00D…!`).
      orgId: token.reveal().split("!")[0] ?? "",
      apps: [
        {
          clientId: CONNECTOR_APP,
          clientSecret: connectorSecret,
          runAsUsername: CONNECTOR_USER,
        },
        { clientId: JOB_APP },
      ],
      users: [{ username: CONNECTOR_USER }, { username: leakyUser }],
    },
  });
  plantAccessToken(salesforce.state, leakyUser, JOB_APP, token);
  // Someone also has the org's UI open as the integration user: the freeze leaves that session
  // working, so the proof waits for the plan's end-sessions step to delete it.
  const userId = salesforce.state.userByName(leakyUser)?.Id ?? "";
  salesforce.state.openUiSession(userId);
  const servicenow = createDemoServiceNow();
  const sandbox = await startDemoSandbox(ctx, [
    servicenow.simulator,
    salesforce,
  ]);

  const before = await salesforceTokenOutcome(sandbox.url, token);
  ctx.report.step(
    "demo.salesforce.started",
    `simulated Salesforce org at ${sandbox.url}: the leaked token of ${leakyUser} works: ` +
      `${before.authenticated ? `yes (${before.observed})` : "no"}`,
    { user: leakyUser, leakedTokenWorks: before.authenticated },
  );
  // TruffleHog names neither the org nor the user: the target's match.rules in the config do.
  const records = await ingestBundledReport(ctx, {
    projectDir,
    file: "trufflehog-report.jsonl",
    format: "trufflehog",
    scanner: "TruffleHog",
  });

  return runThroughServiceNow(ctx, {
    sandboxUrl: sandbox.url,
    servicenowPassword: servicenow.password,
    configFile: CONFIG_FILE,
    env: { CLOSELOOP_DEMO_SF_CLIENT_SECRET: connectorSecret },
    settings: [[["targets", 0, "instanceUrl"], sandbox.url]],
    records,
    checkGone: async () => {
      const after = await salesforceTokenOutcome(sandbox.url, token);
      const frozen = salesforce.state.loginOf(userId)?.IsFrozen === true;
      const revoked = salesforce.state.tokens.get(token.reveal())?.revoked;
      const sessionsLeft = [...salesforce.state.sessions.values()].filter(
        (s) => s.UsersId === userId,
      ).length;
      return {
        gone: !after.authenticated && revoked === true && sessionsLeft === 0,
        text:
          `${leakyUser} is ${frozen ? "frozen" : "NOT frozen"} with ${sessionsLeft} open ` +
          "session(s); the leaked token works: " +
          (after.authenticated ? "YES" : `no (${after.observed})`),
        fields: {
          leakedTokenWorks: after.authenticated,
          apiProbe: after.observed,
          tokenRevoked: revoked === true,
          userFrozen: frozen,
          sessionsLeft,
        },
      };
    },
  });
}
