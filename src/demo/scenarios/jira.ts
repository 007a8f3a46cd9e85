import { join } from "node:path";
import { JiraSimulator } from "../../sandbox/jira/index.js";
import { approveInJsm } from "../cab.js";
import { loadScenarioConfig } from "../demo-config.js";
import { custodyEnv, freshSecret, ingestUntilApproval } from "../demo-loop.js";
import { openDemoLoop, runToEnd } from "../demo-loop.js";
import { CAB_MEMBER, startDemoSandbox } from "../demo-sandbox.js";
import { jiraBasicAuth, readJiraIssue } from "../jira-readback.js";
import { loginOutcome } from "../pg-login.js";
import { preparePostgresSample } from "../postgres-sample.js";
import type { DemoContext, DemoOutcome, DemoScenario } from "../types.js";

const CONFIG_FILE = join("config", "demo-jira.yaml");
const INTEGRATION_EMAIL = "closeloop@example.com";
const AUDITOR_EMAIL = "auditor@example.com";

/**
 * The PostgreSQL leak again, approved in Jira Service Management: closeloop opens an issue in the
 * sandbox Jira, a CAB member approves it on the sandbox page, and closeloop disables the role,
 * proves the password no longer logs in, attaches the evidence and moves the issue to Done.
 */
export const jiraScenario: DemoScenario = {
  name: "jira",
  summary:
    "a leaked PostgreSQL password, a Jira Service Management approval, a real PostgreSQL server",
  run: runJiraScenario,
};

async function runJiraScenario(ctx: DemoContext): Promise<DemoOutcome> {
  const { pg, leaked, records } = await preparePostgresSample(ctx);

  ctx.signal.throwIfAborted();
  const jiraToken = freshSecret();
  const auditor = jiraBasicAuth(AUDITOR_EMAIL, freshSecret());
  const jira = new JiraSimulator({
    credentials: [jiraBasicAuth(INTEGRATION_EMAIL, jiraToken), auditor],
  });
  const sandbox = await startDemoSandbox(ctx, [jira]);

  const env: NodeJS.ProcessEnv = {
    ...custodyEnv(),
    CLOSELOOP_DEMO_JIRA_TOKEN: jiraToken,
    CLOSELOOP_DEMO_PG_ADMIN_PASSWORD: pg.adminPassword,
  };
  const config = loadScenarioConfig(ctx.packageRoot, CONFIG_FILE, env, [
    [["dataDir"], join(ctx.workDir, "closeloop")],
    [["itsm", 0, "baseUrl"], sandbox.url],
    [["targets", 0, "port"], pg.port],
  ]);
  const loop = await openDemoLoop(ctx, config, env);

  const waiting = await ingestUntilApproval(loop, ctx, records);
  const key = waiting.tickets?.[0]?.key;
  if (key === undefined) {
    return { state: waiting.row.state, reason: waiting.row.reason };
  }
  const opened = await readJiraIssue(sandbox.url, key, auditor);
  await approveInJsm(sandbox.url, opened.id, CAB_MEMBER);
  ctx.report.step(
    "demo.jsm.approved",
    `${CAB_MEMBER} approved ${key} in Jira Service Management (the sandbox's approval form)`,
    { issue: key, approver: CAB_MEMBER },
  );

  const done = await runToEnd(loop, ctx);
  const after = await loginOutcome(pg, leaked);
  const issue = await readJiraIssue(sandbox.url, key, auditor);
  ctx.report.step(
    "demo.checked",
    `checked independently: ${key} is ${issue.statusName} (category ${issue.statusCategory}); ` +
      `the leaked password logs in: ${after.loggedIn ? "YES" : `no (${after.observed})`}`,
    {
      issue: key,
      issueStatus: issue.statusName,
      statusCategory: issue.statusCategory,
      attachments: issue.attachments,
      leakedPasswordLogsIn: after.loggedIn,
      loginRefusal: after.observed,
    },
  );

  const attached = issue.attachments.some(
    (a) => a.sha256 === done.evidenceSha256,
  );
  const closed =
    done.row.state === "closed" &&
    attached &&
    issue.statusCategory === "done" &&
    !after.loggedIn;
  return {
    state: closed ? "closed" : done.row.state,
    change: key,
    ...(done.evidenceSha256 === null
      ? {}
      : { evidenceSha256: done.evidenceSha256 }),
    issueStatus: issue.statusName,
    statusCategory: issue.statusCategory,
    evidenceAttached: attached,
    leakedPasswordLogsIn: after.loggedIn,
  };
}
