import { join } from "node:path";
import { createGithubSimulator } from "../../sandbox/github/index.js";
import { freshSecret } from "../demo-loop.js";
import { createDemoServiceNow, startDemoSandbox } from "../demo-sandbox.js";
import { githubTokenOutcome } from "../github-check.js";
import { ingestBundledReport, readSampleSetting } from "../sample-report.js";
import { runThroughServiceNow } from "../servicenow-run.js";
import type { DemoContext, DemoOutcome, DemoScenario } from "../types.js";

const SAMPLE = join("examples", "leaked-github-token");
const CONFIG_FILE = join("config", "demo-github-token.yaml");
const REPOSITORY = "acme-demo/release-tools";
const ALERT_NUMBER = 7;
const TOKEN_OWNER = "release-bot";
// Served on the sandbox's port, which is known only once it listens: the simulator goes by path.
const API_PATH = "/github";

/**
 * GitHub secret scanning's alert for a token pasted into a script: closeloop revokes the token
 * through the anonymous credential revocation API once the CAB approved, resolves the alert as
 * revoked, and proves the token no longer authenticates.
 */
export const githubTokenScenario: DemoScenario = {
  name: "github-token",
  summary:
    "a leaked GitHub token (secret scanning alert), a ServiceNow change, a simulated GitHub API",
  run: runGithubTokenScenario,
};

async function runGithubTokenScenario(ctx: DemoContext): Promise<DemoOutcome> {
  const projectDir = join(ctx.packageRoot, SAMPLE);
  const token = readSampleSetting(
    join(projectDir, "scripts", "publish.sh"),
    "GITHUB_TOKEN",
  );
  const connectorToken = `ghp_${freshSecret()}`;

  const github = createGithubSimulator({
    baseUrl: `http://sandbox${API_PATH}`,
    adminToken: connectorToken,
    seed: {
      tokens: [{ value: token.reveal(), login: TOKEN_OWNER }],
      alerts: [
        { repo: REPOSITORY, number: ALERT_NUMBER, token: token.reveal() },
      ],
    },
  });
  const servicenow = createDemoServiceNow();
  const sandbox = await startDemoSandbox(ctx, [servicenow.simulator, github]);
  const apiUrl = `${sandbox.url}${API_PATH}`;

  const before = await githubTokenOutcome(apiUrl, token);
  ctx.report.step(
    "demo.github.started",
    `simulated GitHub API at ${apiUrl}: the leaked token authenticates: ` +
      `${before.authenticated ? `yes (${before.observed})` : "no"}`,
    { repository: REPOSITORY, leakedTokenWorks: before.authenticated },
  );
  const records = await ingestBundledReport(ctx, {
    projectDir,
    file: "secret-scanning-alerts.json",
    format: "github-secret-scanning",
    scanner: "GitHub secret scanning",
  });

  const alertOf = () =>
    github.state.alerts.get(`${REPOSITORY}#${ALERT_NUMBER}`);
  return runThroughServiceNow(ctx, {
    sandboxUrl: sandbox.url,
    servicenowPassword: servicenow.password,
    configFile: CONFIG_FILE,
    env: { CLOSELOOP_DEMO_GITHUB_TOKEN: connectorToken },
    settings: [[["targets", 0, "baseUrl"], apiUrl]],
    records,
    checkGone: async () => {
      const after = await githubTokenOutcome(apiUrl, token);
      const alert = alertOf();
      const revoked = github.state.tokens.get(token.reveal())?.active === false;
      return {
        gone: !after.authenticated && revoked,
        text:
          `alert ${ALERT_NUMBER} is ${alert?.state ?? "?"} (${alert?.resolution ?? "-"}), ` +
          `validity ${alert?.validity ?? "?"}; the leaked token authenticates: ` +
          (after.authenticated ? "YES" : `no (${after.observed})`),
        fields: {
          leakedTokenWorks: after.authenticated,
          userProbe: after.observed,
          alertState: alert?.state,
          alertResolution: alert?.resolution,
          alertValidity: alert?.validity,
        },
      };
    },
  });
}
