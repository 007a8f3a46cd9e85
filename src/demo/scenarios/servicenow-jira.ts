import { join } from "node:path";
import { JiraSimulator } from "../../sandbox/jira/index.js";
import { loadScenarioConfig } from "../demo-config.js";
import { custodyEnv, freshSecret, ingestUntilApproval } from "../demo-loop.js";
import { openDemoLoop, runToEnd } from "../demo-loop.js";
import {
  approveChangeAsCab,
  createDemoServiceNow,
  startDemoSandbox,
} from "../demo-sandbox.js";
import {
  jiraBasicAuth,
  readJiraIssue,
  readRemoteLinks,
} from "../jira-readback.js";
import { loginOutcome } from "../pg-login.js";
import { preparePostgresSample } from "../postgres-sample.js";
import { readClosedChange } from "../servicenow-readback.js";
import type { DemoContext, DemoOutcome, DemoScenario } from "../types.js";

const CONFIG_FILE = join("config", "demo-servicenow-jira.yaml");
const INTEGRATION_EMAIL = "closeloop@example.com";
const AUDITOR_EMAIL = "auditor@example.com";

/**
 * The usual split of work: the CAB approves a ServiceNow change, the team that owns the role gets
 * a Jira task. closeloop reads the approval from the change only, then attaches the same evidence
 * to both tickets and closes both.
 */
export const servicenowJiraScenario: DemoScenario = {
  name: "servicenow+jira",
  summary:
    "a ServiceNow change for the CAB and a linked Jira task for the owning team, one approval",
  run: runServiceNowJiraScenario,
};

async function runServiceNowJiraScenario(
  ctx: DemoContext,
): Promise<DemoOutcome> {
  const { pg, leaked, records } = await preparePostgresSample(ctx);

  ctx.signal.throwIfAborted();
  const servicenow = createDemoServiceNow();
  const jiraToken = freshSecret();
  const auditor = jiraBasicAuth(AUDITOR_EMAIL, freshSecret());
  const jira = new JiraSimulator({
    credentials: [jiraBasicAuth(INTEGRATION_EMAIL, jiraToken), auditor],
  });
  const sandbox = await startDemoSandbox(ctx, [servicenow.simulator, jira]);

  const env: NodeJS.ProcessEnv = {
    ...custodyEnv(),
    CLOSELOOP_DEMO_SNOW_PASSWORD: servicenow.password,
    CLOSELOOP_DEMO_JIRA_TOKEN: jiraToken,
    CLOSELOOP_DEMO_PG_ADMIN_PASSWORD: pg.adminPassword,
  };
  const config = loadScenarioConfig(ctx.packageRoot, CONFIG_FILE, env, [
    [["dataDir"], join(ctx.workDir, "closeloop")],
    [["itsm", 0, "baseUrl"], sandbox.url],
    [["itsm", 1, "baseUrl"], sandbox.url],
    [["targets", 0, "port"], pg.port],
  ]);
  const loop = await openDemoLoop(ctx, config, env);

  const waiting = await ingestUntilApproval(loop, ctx, records);
  const change = waiting.tickets?.find((t) => t.itsm === "servicenow")?.key;
  const task = waiting.tickets?.find((t) => t.itsm === "jira")?.key;
  if (change === undefined || task === undefined) {
    return { state: waiting.row.state, reason: waiting.row.reason };
  }
  ctx.report.step(
    "demo.tickets.opened",
    `the CAB has change ${change} in ServiceNow; the owning team has task ${task} in Jira`,
    { change, task },
  );
  const sysId = await approveChangeAsCab(
    ctx,
    sandbox.url,
    servicenow.password,
    change,
  );

  const done = await runToEnd(loop, ctx);
  const after = await loginOutcome(pg, leaked);
  const readback = await readClosedChange(
    sandbox.url,
    sysId,
    "admin",
    servicenow.password,
  );
  const issue = await readJiraIssue(sandbox.url, task, auditor);
  const links = await readRemoteLinks(sandbox.url, task, auditor);
  const linkedToChange =
    links?.some((link) => link.title.includes(change)) ?? false;
  ctx.report.step(
    "demo.checked",
    `checked independently: ${change} is ${readback.stateLabel} (${readback.closeCode}), ` +
      `${task} is ${issue.statusName}; ${task} links to ${change}: ` +
      `${links === null ? "no remote links served" : linkedToChange ? "yes" : "no"}; ` +
      `the leaked password logs in: ${after.loggedIn ? "YES" : `no (${after.observed})`}`,
    {
      change,
      changeState: readback.stateLabel,
      closeCode: readback.closeCode,
      changeAttachments: readback.attachments,
      task,
      taskStatus: issue.statusName,
      taskStatusCategory: issue.statusCategory,
      taskAttachments: issue.attachments,
      taskRemoteLinks: links,
      leakedPasswordLogsIn: after.loggedIn,
      loginRefusal: after.observed,
    },
  );

  const sha = done.evidenceSha256;
  const onChange = readback.attachments.some((a) => a.sha256 === sha);
  const onTask = issue.attachments.some((a) => a.sha256 === sha);
  const closed =
    done.row.state === "closed" &&
    onChange &&
    onTask &&
    readback.stateLabel === "Closed" &&
    issue.statusCategory === "done" &&
    !after.loggedIn;
  return {
    state: closed ? "closed" : done.row.state,
    change,
    task,
    ...(sha === null ? {} : { evidenceSha256: sha }),
    changeState: readback.stateLabel,
    taskStatus: issue.statusName,
    evidenceAttached: onChange && onTask,
    taskLinkedToChange: linkedToChange,
    leakedPasswordLogsIn: after.loggedIn,
  };
}
