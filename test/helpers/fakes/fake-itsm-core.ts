import { createHash } from "node:crypto";
import { CloseloopError } from "../../../src/domain/errors.js";
import type {
  ApprovalReading,
  AttachmentRef,
  CloseOutcome,
  EvidenceFile,
  ItsmAdapter,
  ItsmKind,
  TicketChange,
  TicketDraft,
  TicketLink,
  TicketRef,
  TicketStatus,
} from "../../../src/itsm/types.js";
import { Faults } from "./faults.js";
import { A_PERSON } from "./fake-itsm-types.js";
import type { FakeItsmOptions, FakeTicket } from "./fake-itsm-types.js";

export type { FakeItsmOptions, FakeTicket } from "./fake-itsm-types.js";

/**
 * An in-memory ITSM faithful to `ItsmAdapter`: tickets by correlation id, a scriptable approval,
 * notes, attachments with their SHA-256, and a change feed. Every call is counted in `calls`.
 */
export class FakeItsmCore implements ItsmAdapter {
  readonly kind: ItsmKind;
  readonly instance: string;
  readonly faults = new Faults();
  readonly calls: { method: string; ticketId?: string }[] = [];
  readonly tickets = new Map<string, FakeTicket>();
  readonly #ownUser: string;
  readonly #requestedBy: string;
  #seq = 0;
  protected lookupLag: number;
  readonly #pendingReads: number;
  readonly #attachmentReads = new Map<string, number>();
  readonly #before = new Map<string, () => void>();

  constructor(options: FakeItsmOptions = {}) {
    this.kind = options.kind ?? "servicenow";
    this.instance = options.instance ?? "snow-test";
    this.#ownUser = options.ownUserId ?? "closeloop-bot";
    this.#requestedBy = options.requestedBy ?? this.#ownUser;
    this.lookupLag = options.lookupLag ?? 0;
    this.#pendingReads = options.attachmentPendingReads ?? 0;
  }

  readonly ownUserId = (): Promise<string> => Promise.resolve(this.#ownUser);

  async #call<T>(
    method: string,
    ticketId: string | undefined,
    effect: () => T,
  ): Promise<T> {
    this.calls.push(ticketId === undefined ? { method } : { method, ticketId });
    const hook = this.#before.get(method);
    this.#before.delete(method);
    hook?.();
    this.faults.check(method, "before");
    const result = effect();
    this.faults.check(method, "after");
    return Promise.resolve(result);
  }

  #ticket(ref: TicketRef): FakeTicket {
    const t = this.tickets.get(ref.id);
    if (t === undefined || t.lifecycle === "deleted") {
      throw new CloseloopError("TICKET_NOT_FOUND", `no ticket ${ref.id}`);
    }
    return t;
  }

  /** Runs `hook` once, right before the next call of `method` takes effect. */
  beforeNext(method: string, hook: () => void): void {
    this.#before.set(method, hook);
  }

  protected touch(t: FakeTicket, by: string = A_PERSON): void {
    this.#seq += 1;
    t.changedSeq = this.#seq;
    t.updatedBy = by;
  }

  #own(t: FakeTicket): void {
    this.touch(t, this.#ownUser);
  }

  findByCorrelation(correlationId: string): Promise<TicketRef | null> {
    return this.#call("findByCorrelation", undefined, () => {
      if (this.lookupLag > 0) {
        this.lookupLag -= 1;
        return null;
      }
      const t = [...this.tickets.values()].find(
        (x) =>
          x.draft.correlationId === correlationId && x.lifecycle !== "deleted",
      );
      return t === undefined ? null : { ...t.ref };
    });
  }

  create(draft: TicketDraft): Promise<TicketRef> {
    return this.#call("create", undefined, () => {
      const n = this.tickets.size + 1;
      const ref: TicketRef = {
        itsm: this.kind,
        instance: this.instance,
        id: `id-${this.instance}-${n}`,
        key:
          this.kind === "servicenow"
            ? `CHG${String(30000 + n).padStart(7, "0")}`
            : `SEC-${n}`,
      };
      const t: FakeTicket = {
        ref,
        draft,
        approvalStatus: "not_requested",
        approvers: [],
        window: {},
        planHash: draft.plan?.hash ?? null,
        lifecycle: "open",
        inImplementation: false,
        notes: [],
        attachments: [],
        closedWith: null,
        changedSeq: 0,
        updatedBy: this.#ownUser,
        links: [],
      };
      this.tickets.set(ref.id, t);
      this.#own(t);
      return { ...ref };
    });
  }

  requestApproval(ref: TicketRef): Promise<void> {
    return this.#call("requestApproval", ref.id, () => {
      const t = this.#ticket(ref);
      if (t.approvalStatus === "not_requested") t.approvalStatus = "requested";
      this.#own(t);
    });
  }

  readApproval(ref: TicketRef): Promise<ApprovalReading> {
    return this.#call("readApproval", ref.id, () => {
      const t = this.#ticket(ref);
      return {
        status: t.approvalStatus,
        ticketState:
          t.lifecycle === "open" ? (t.inImplementation ? "-1" : "-3") : "3",
        inImplementation: t.inImplementation,
        // Approval moves a change on to Scheduled; a test holds it back with `notReady`.
        readyForWork:
          t.lifecycle === "open" &&
          t.approvalStatus === "approved" &&
          t.notReady !== true,
        onHold: t.onHold === true,
        approvers: t.approvers.map((a) => ({ ...a })),
        requestedBy: this.#requestedBy,
        window: { ...t.window },
        planHash: t.planHash,
        readAt: new Date(0).toISOString(),
      };
    });
  }

  startWork(ref: TicketRef): Promise<void> {
    return this.#call("startWork", ref.id, () => {
      const t = this.#ticket(ref);
      t.inImplementation = true;
      this.#own(t);
    });
  }

  addNote(ref: TicketRef, text: string): Promise<void> {
    return this.#call("addNote", ref.id, () => {
      const t = this.#ticket(ref);
      t.notes.push(text);
      this.#own(t);
    });
  }

  /** The note, and the status the write found, as ServiceNow's Review PATCH answers it. */
  finishWork(ref: TicketRef, text: string): Promise<TicketStatus | null> {
    return this.#call("finishWork", ref.id, () => {
      const t = this.tickets.get(ref.id);
      if (t === undefined || t.lifecycle === "deleted")
        return { lifecycle: "deleted", rawState: "", key: ref.key };
      if (t.lifecycle !== "open")
        return {
          lifecycle: t.lifecycle,
          rawState: t.lifecycle,
          key: t.ref.key,
        };
      t.notes.push(text);
      this.#own(t);
      return { lifecycle: t.lifecycle, rawState: "review", key: t.ref.key };
    });
  }

  attach(ref: TicketRef, file: EvidenceFile): Promise<AttachmentRef> {
    return this.#call("attach", ref.id, () => {
      const t = this.#ticket(ref);
      const sha256 = createHash("sha256").update(file.bytes).digest("hex");
      const att = {
        id: `att-${t.attachments.length + 1}`,
        fileName: file.fileName,
        sizeBytes: file.bytes.length,
        sha256,
        ready: this.#pendingReads === 0,
        bytes: Buffer.from(file.bytes),
      };
      t.attachments.push(att);
      this.#own(t);
      const { bytes: _bytes, ...out } = att;
      return out;
    });
  }

  listAttachments(ref: TicketRef): Promise<AttachmentRef[]> {
    return this.#call("listAttachments", ref.id, () => {
      const t = this.#ticket(ref);
      const reads = (this.#attachmentReads.get(ref.id) ?? 0) + 1;
      this.#attachmentReads.set(ref.id, reads);
      return t.attachments.map(({ bytes: _bytes, ...a }) => ({
        ...a,
        ready: reads > this.#pendingReads,
      }));
    });
  }

  readBack(
    ref: TicketRef,
    attached: AttachmentRef,
  ): Promise<AttachmentRef | null> {
    return this.#call("readBack", ref.id, () => {
      const t = this.#ticket(ref);
      const reads = (this.#attachmentReads.get(ref.id) ?? 0) + 1;
      this.#attachmentReads.set(ref.id, reads);
      const found = t.attachments.find((a) => a.id === attached.id);
      if (found === undefined) return null;
      const { bytes: _bytes, ...a } = found;
      return { ...a, ready: reads > this.#pendingReads };
    });
  }

  close(ref: TicketRef, outcome: CloseOutcome): Promise<void> {
    return this.#call("close", ref.id, () => {
      const t = this.#ticket(ref);
      t.lifecycle = "closed";
      t.closedWith = outcome;
      this.#own(t);
    });
  }

  readStatus(ref: TicketRef): Promise<TicketStatus> {
    return this.#call("readStatus", ref.id, () => {
      const t = this.tickets.get(ref.id);
      if (t === undefined)
        return { lifecycle: "deleted", rawState: "", key: ref.key };
      return { lifecycle: t.lifecycle, rawState: t.lifecycle, key: t.ref.key };
    });
  }

  listChangedSince(
    cursor: string | null,
  ): Promise<{ ids: string[]; changes: TicketChange[]; cursor: string }> {
    return this.#call("listChangedSince", undefined, () => {
      const since = cursor === null ? 0 : Number(cursor);
      const changes = [...this.tickets.values()]
        .filter((t) => t.changedSeq > since)
        .map((t) => ({
          id: t.ref.id,
          updatedBy: t.updatedBy,
          byOwnUser: t.updatedBy === this.#ownUser,
        }));
      const ids = changes.map((c) => c.id);
      return { ids, changes, cursor: String(this.#seq) };
    });
  }

  linkTo(ref: TicketRef, target: TicketLink): Promise<void> {
    return this.#call("linkTo", ref.id, () => {
      const t = this.#ticket(ref);
      if (t.links.some((l) => l.url === target.url)) return;
      t.links.push({ ...target });
      this.#own(t);
    });
  }
}
