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

/**
 * An approver answering a Jira Service Management approval on the sandbox page: the form POST a
 * person's browser sends. closeloop's own account can never answer it (the simulator refuses).
 */
export async function approveInJsm(
  sandboxUrl: string,
  issueId: string,
  approver: string,
): Promise<void> {
  const url = new URL(
    `/sandbox/jira/issues/${encodeURIComponent(issueId)}/approval`,
    sandboxUrl,
  );
  const form = new URLSearchParams({ approver, decision: "approve" });

  const response = await axios.post(url.toString(), form.toString(), {
    headers: { "content-type": "application/x-www-form-urlencoded" },
    maxRedirects: 0,
    validateStatus: () => true,
  });
  if (response.status >= 200 && response.status < 400) return;
  throw new CloseloopError(
    "DEMO_JSM_DECISION_FAILED",
    `the sandbox refused ${approver}'s approval of issue ${issueId}: HTTP ${response.status}`,
    { details: { status: response.status } },
  );
}
