import type { JiraSimulator } from "./simulator.js";

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The Jira part of the sandbox page: every issue with its status and approval, and a form to
 * answer a pending approval as a named CAB member (never as closeloop's own account).
 */
export function renderJiraSection(sim: JiraSimulator): string {
  const approvers = sim.users.filter((u) => u.accountId !== sim.own.accountId);
  const rows = [...sim.issues.values()].map((issue) => {
    const project = sim.project(issue.projectKey);
    const status = project?.workflow.statuses.find(
      (s) => s.id === issue.statusId,
    );
    const summary =
      typeof issue.fields.summary === "string" ? issue.fields.summary : "";
    const pending = issue.approvals.find((a) => a.finalDecision === "pending");
    const decision = issue.approvals.at(-1)?.finalDecision ?? "—";
    const options = approvers
      .map(
        (u) =>
          `<option value="${escapeHtml(u.name)}">${escapeHtml(u.displayName)}</option>`,
      )
      .join("");
    const form =
      pending === undefined
        ? ""
        : `<form method="post" action="/sandbox/jira/issues/${escapeHtml(issue.id)}/approval">
<select name="approver">${options}</select>
<button name="decision" value="approve">Approve</button>
<button name="decision" value="decline">Decline</button></form>`;
    return `<tr><td>${escapeHtml(issue.key)}</td><td>${escapeHtml(issue.id)}</td>
<td>${escapeHtml(summary)}</td><td>${escapeHtml(status?.name ?? issue.statusId)}</td>
<td>${escapeHtml(decision)}</td><td>${issue.attachments.length}</td><td>${form}</td></tr>`;
  });

  return `<section id="jira"><h2>Jira</h2>
<table><thead><tr><th>Key</th><th>Id</th><th>Summary</th><th>Status</th><th>Approval</th>
<th>Attachments</th><th>Answer as</th></tr></thead>
<tbody>${rows.join("\n") || '<tr><td colspan="7">No issues yet.</td></tr>'}</tbody></table>
</section>`;
}
