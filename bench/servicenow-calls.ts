import { randomBytes } from "node:crypto";
import { ServiceNowSimulator } from "../src/sandbox/servicenow/index.js";
import { benchCalls } from "./itsm-calls-common.js";
import type { ItsmCallsRow, SeenRequest } from "./itsm-calls-common.js";

/**
 * ServiceNow requests per finding, detection to closure, against the ServiceNow simulator. The
 * simulator's virus scan keeps an attachment `pending` for `scanReads` metadata reads after the
 * upload (its default is one); each such read costs the read-back one more list.
 */
export async function benchServiceNowCalls(
  findings: number,
  scanReads = 1,
): Promise<ItsmCallsRow[]> {
  const password = randomBytes(12).toString("base64url");
  const simulator = new ServiceNowSimulator({
    password,
    attachmentReadyAfterReads: scanReads,
  });
  return benchCalls(
    {
      system: simulator,
      requests: () =>
        simulator.requests.map((r) => ({
          method: r.method,
          url: `${r.path}${r.search}`,
        })),
      itsmYaml: (url) => `  - id: itsm-bench
    kind: servicenow
    baseUrl: ${url}
    auth: { type: basic, user: closeloop.integration, password: { env: BENCH_SNOW_PASSWORD } }
    integrationUser: closeloop.integration
    ratePerSecond: 1000
    attachmentPollMs: 5`,
      env: { BENCH_SNOW_PASSWORD: password },
      approveAll: () => {
        for (const change of simulator.store.rows("change_request")) {
          simulator.decide(change.sys_id ?? "", "cab.alice", "approved");
        }
      },
      shared: sharedServiceNow,
    },
    findings,
  );
}

function sharedServiceNow(request: SeenRequest): string | null {
  const url = decodeURIComponent(request.url);
  if (url.includes("correlation_idSTARTSWITH")) return "poll (shared per pass)";
  if (url.startsWith("/api/now/table/sys_user"))
    return "own user (once per instance)";
  return null;
}
