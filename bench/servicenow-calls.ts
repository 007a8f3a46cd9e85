import { randomBytes } from "node:crypto";
import { ServiceNowSimulator } from "../src/sandbox/servicenow/index.js";
import { benchCalls } from "./itsm-calls-common.js";
import type { ItsmCallsRow, SeenRequest } from "./itsm-calls-common.js";

/** How the simulator's virus scan keeps an upload `pending` (reference §5: pending right after). */
export interface ScanModel {
  /** The scan lasts this long after the upload, by the simulator's clock. */
  scanMs?: number;
  /** Or: this many metadata reads answer `pending`, however long they take. */
  pendingReads?: number;
}

/**
 * ServiceNow requests per finding, detection to closure, against the ServiceNow simulator. The
 * adapter waits `attachmentPollMs` after an upload that answered `pending` before it reads back;
 * each read that still sees `pending` costs one more list.
 */
export async function benchServiceNowCalls(
  findings: number,
  scan: ScanModel = { scanMs: 50 },
): Promise<ItsmCallsRow[]> {
  const password = randomBytes(12).toString("base64url");
  const simulator = new ServiceNowSimulator({
    password,
    attachmentReadyAfterReads: scan.pendingReads ?? 0,
    attachmentScanMs: scan.scanMs ?? 0,
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
    attachmentPollMs: 100`,
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
