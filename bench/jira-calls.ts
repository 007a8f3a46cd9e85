import { JiraSimulator } from "../src/sandbox/jira/index.js";
import { benchCalls } from "./itsm-calls-common.js";
import type { ItsmCallsRow, SeenRequest } from "./itsm-calls-common.js";

/**
 * Jira requests per finding, detection to closure, against the Jira simulator: a Jira Service
 * Management project (SEC) whose approval comes from JSM approvals and whose workflow reaches Done
 * only through In Progress, configured as `config/demo-jira.yaml` configures the jira demo.
 */
export async function benchJiraCalls(
  findings: number,
): Promise<ItsmCallsRow[]> {
  const simulator = new JiraSimulator();
  return benchCalls(
    {
      system: simulator,
      requests: () =>
        simulator.requests.map((r) => ({ method: r.method, url: r.path })),
      itsmYaml: (url) => `  - id: itsm-bench
    kind: jira
    baseUrl: ${url}
    deployment: cloud
    auth: { type: basic, email: closeloop@example.com, apiToken: { env: BENCH_JIRA_TOKEN } }
    project: SEC
    issueType: Task
    approval: { mode: jsm }
    closePath: [In Progress]
    ratePerSecond: 1000
    lookupTimeoutMs: 5000`,
      env: { BENCH_JIRA_TOKEN: "bench-token" },
      approveAll: () => {
        for (const issue of simulator.issues.values()) {
          simulator.decideApproval(issue.id, "cab.alice", "approve");
        }
      },
      shared: sharedJira,
    },
    findings,
  );
}

function sharedJira(request: SeenRequest): string | null {
  const url = decodeURIComponent(request.url.replace(/\+/g, " "));
  if (url.includes("jql=labels = closeloop ")) return "poll (shared per pass)";
  if (url.endsWith("/myself")) return "own user (once per instance)";
  if (url.endsWith("/attachment/meta"))
    return "upload limit (once per instance)";
  return null;
}
