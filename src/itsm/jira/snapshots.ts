import type { JiraIssue } from "./schema.js";

/** `expand` that makes a GET of an issue carry its transitions, with their screens' fields. */
export const WITH_TRANSITIONS = "transitions,transitions.fields";

/** Long enough for the next step of the same pass, far shorter than any person's edit cycle. */
const MAX_AGE_MS = 10_000;
const MAX_KEPT = 10_000;

/**
 * The issue as a read of this adapter just returned it, with its transitions, for the step that
 * follows on the same issue (the approval read before starting work, the status read before
 * closing), so that step need not GET the same issue again. Each snapshot is taken once and only
 * while fresh; Jira still checks every transition posted against the issue as it is then.
 */
export class IssueSnapshots {
  readonly #kept = new Map<string, { issue: JiraIssue; at: number }>();
  readonly #now: () => Date;

  constructor(now: () => Date) {
    this.#now = now;
  }

  keep(issue: JiraIssue): void {
    if (issue.transitions === undefined) return;
    const at = this.#now().getTime();
    if (this.#kept.size >= MAX_KEPT) {
      for (const [id, kept] of this.#kept) {
        if (at - kept.at > MAX_AGE_MS) this.#kept.delete(id);
      }
      if (this.#kept.size >= MAX_KEPT) this.#kept.clear();
    }
    this.#kept.set(issue.id, { issue, at });
  }

  take(issueId: string): JiraIssue | undefined {
    const kept = this.#kept.get(issueId);
    this.#kept.delete(issueId);
    if (kept === undefined) return undefined;
    const age = this.#now().getTime() - kept.at;
    return age >= 0 && age <= MAX_AGE_MS ? kept.issue : undefined;
  }
}
