/**
 * Serialises writes to one issue: Jira limits writes per issue (reference/jira.md §5.1,
 * `jira-per-issue-on-write`) and concurrent transitions answer 409.
 */
export class IssueQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(issueId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(issueId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(issueId, tail);
    void tail.then(() => {
      if (this.tails.get(issueId) === tail) this.tails.delete(issueId);
    });
    return next;
  }
}
