import axios from "axios";
import { CloseloopError } from "../domain/errors.js";

export interface CabDecision {
  /** The sandbox's base URL, e.g. `http://127.0.0.1:41234`. */
  sandboxUrl: string;
  /** The change request's sys_id. */
  sysId: string;
  approver: string;
  decision: "approved" | "rejected";
}

/**
 * A change manager deciding on the sandbox's approval page: the same form POST a person's browser
 * sends, so closeloop only ever learns of the decision by reading the change back.
 */
export async function decideAsCab(decision: CabDecision): Promise<void> {
  const url = new URL(
    `/sandbox/servicenow/changes/${encodeURIComponent(decision.sysId)}/decision`,
    decision.sandboxUrl,
  );
  const form = new URLSearchParams({
    approver: decision.approver,
    decision: decision.decision,
  });

  const response = await axios.post(url.toString(), form.toString(), {
    headers: { "content-type": "application/x-www-form-urlencoded" },
    // The page answers a browser with a redirect back to itself; either is a recorded decision.
    maxRedirects: 0,
    validateStatus: () => true,
  });
  if (response.status >= 200 && response.status < 400) return;
  throw new CloseloopError(
    "DEMO_CAB_DECISION_FAILED",
    `the sandbox refused the CAB decision on ${decision.sysId}: HTTP ${response.status}`,
    { details: { status: response.status } },
  );
}
