import { FakeItsmCore } from "./fake-itsm-core.js";
import type { FakeTicket } from "./fake-itsm-core.js";

export type { FakeItsmOptions, FakeTicket } from "./fake-itsm-core.js";

/** The fake ITSM plus what people do in it (approve, reject, close by hand), scripted by tests. */
export class FakeItsm extends FakeItsmCore {
  // ---- what people do in the ITSM, scripted by tests ----

  /** The next `n` lookups by correlation id miss, as a lagging search index would. */
  setLookupLag(n: number): void {
    this.lookupLag = n;
  }

  /** The one ticket of a finding, by its fingerprint. */
  ticketOf(fingerprint: string): FakeTicket | undefined {
    return [...this.tickets.values()].find(
      (t) =>
        t.draft.findingFingerprint === fingerprint && t.lifecycle !== "deleted",
    );
  }

  #person(fingerprint: string, change: (t: FakeTicket) => void): void {
    const t = this.ticketOf(fingerprint);
    if (t === undefined) throw new Error(`no ticket for ${fingerprint}`);
    change(t);
    this.touch(t);
  }

  approve(
    fingerprint: string,
    approver: { userId: string; group?: string; userName?: string },
    decidedAt = "2026-05-04T09:00:00.000Z",
  ): void {
    this.#person(fingerprint, (t) => {
      t.approvers.push({
        ...approver,
        state: "approved",
        decidedAt,
        recordId: `appr-${t.approvers.length + 1}`,
      });
      t.approvalStatus = "approved";
    });
  }

  reject(fingerprint: string, userId = "cab-member"): void {
    this.#person(fingerprint, (t) => {
      t.approvers.push({
        userId,
        state: "rejected",
        recordId: `appr-${t.approvers.length + 1}`,
      });
      t.approvalStatus = "rejected";
    });
  }

  cancel(fingerprint: string): void {
    this.#person(fingerprint, (t) => {
      t.approvalStatus = "canceled";
      t.lifecycle = "canceled";
    });
  }

  setWindow(
    fingerprint: string,
    window: { start?: string; end?: string },
  ): void {
    this.#person(fingerprint, (t) => {
      t.window = window;
    });
  }

  /** A person moves the change: `notReady` keeps it short of Scheduled, `onHold` holds it. */
  setSchedule(
    fingerprint: string,
    schedule: { notReady?: boolean; onHold?: boolean },
  ): void {
    this.#person(fingerprint, (t) => {
      t.notReady = schedule.notReady ?? false;
      t.onHold = schedule.onHold ?? false;
    });
  }

  setPlanHash(fingerprint: string, hash: string | null): void {
    this.#person(fingerprint, (t) => {
      t.planHash = hash;
    });
  }

  closeByPerson(fingerprint: string): void {
    this.#person(fingerprint, (t) => {
      t.lifecycle = "closed";
    });
  }

  deleteByPerson(fingerprint: string): void {
    this.#person(fingerprint, (t) => {
      t.lifecycle = "deleted";
    });
  }

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }
}
