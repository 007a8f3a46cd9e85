import { html } from "../page/html.js";
import type { SafeHtml } from "../page/html.js";
import { CHANGE_STATE_LABELS } from "./schema.js";
import type { Decision } from "./state-model.js";
import type { SnStore } from "./store.js";

const DECISION_PATH =
  /^\/sandbox\/servicenow\/changes\/([0-9a-f]{32})\/decision$/;

/** ServiceNow's part of the sandbox page: every change, a decision form per pending approver. */
export function renderServiceNowSection(store: SnStore): string {
  const users = new Map(store.rows("sys_user").map((u) => [u.sys_id, u]));
  const rows = store
    .rows("change_request")
    .slice(-200)
    .reverse()
    .map((change) => {
      const pending = store
        .rows("sysapproval_approver")
        .filter(
          (a) => a.sysapproval === change.sys_id && a.state === "requested",
        )
        .map((a) => users.get(a.approver)?.user_name ?? "")
        .filter((name) => name !== "");
      const state = change.state ?? "";
      return html`<tr>
        <td>${change.number ?? ""}</td>
        <td>${CHANGE_STATE_LABELS[state] ?? state}</td>
        <td>${change.approval ?? ""}</td>
        <td>${change.short_description ?? ""}</td>
        <td>${decisionForm(change.sys_id ?? "", pending)}</td>
      </tr>`;
    });

  return html`<section id="servicenow">
    <h2>ServiceNow: change requests</h2>
    <table>
      <thead>
        <tr>
          <th>Number</th>
          <th>State</th>
          <th>Approval</th>
          <th>Short description</th>
          <th>CAB decision</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </section>`.value;
}

function decisionForm(sysId: string, pending: string[]): SafeHtml {
  if (pending.length === 0)
    return html`<span class="muted">no pending approval</span>`;
  const options = pending.map(
    (name) => html`<option value="${name}">${name}</option>`,
  );
  return html`<form
    method="post"
    action="/sandbox/servicenow/changes/${sysId}/decision"
  >
    <label
      >as
      <select name="approver">
        ${options}
      </select></label
    >
    <input name="comments" placeholder="comments" />
    <button name="decision" value="approved">Approve</button>
    <button name="decision" value="rejected">Reject</button>
  </form>`;
}

type Decide = (
  changeId: string,
  approver: string,
  decision: Decision,
  comments: string,
) => { ok: true } | { ok: false; reason: string };

/**
 * `POST /sandbox/servicenow/changes/{sys_id}/decision` with a form body
 * (`approver=cab.alice&decision=approved`): what a person's click sends, and what the demo's
 * scripted CAB member sends too.
 */
export async function decisionRoute(
  request: Request,
  path: string,
  decideAs: Decide,
): Promise<Response> {
  const match = DECISION_PATH.exec(path);
  if (match === null) return text(404, "not found");
  if (request.method !== "POST") return text(405, "use POST");

  const form = new URLSearchParams(await request.text());
  const approver = form.get("approver") ?? "";
  const decision = form.get("decision");
  if (approver === "" || (decision !== "approved" && decision !== "rejected")) {
    return text(400, "approver and decision=approved|rejected are required");
  }

  const outcome = decideAs(
    match[1] ?? "",
    approver,
    decision,
    form.get("comments") ?? "",
  );
  if (!outcome.ok) return text(409, outcome.reason);
  return new Response(null, { status: 303, headers: { Location: "/" } });
}

function text(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}
