import { CloseloopError } from "../domain/errors.js";
import type { SecretValue } from "../domain/secret.js";
import type { FindingState } from "../domain/states.js";
import type {
  ApprovalReading,
  ItsmAdapter,
  TicketRef,
  TicketStatus,
} from "../itsm/types.js";
import type {
  FindingPatch,
  FindingRecord,
  IntentRecord,
  TicketRecord,
} from "../store/types.js";
import type { TargetAdapter } from "../targets/types.js";
import type { EngineDeps, StepEvent, StepEventName } from "./types.js";

/** What a step returns: the finding moved on, or waits until `dueAt` (null: a change). */
export interface Moved {
  kind: "moved";
  record: FindingRecord;
}

/** `deferred`: put off by a pause or a remote "not now", counted apart from failures. */
export type StepOutcome =
  | Moved
  | {
      kind: "wait";
      dueAt: string | null;
      reason?: string | null;
      deferred?: boolean;
    };

/** The key of a ticket in `StepContext.freshStatuses`. */
export function ticketKey(ref: TicketRef): string {
  return `${ref.instance}/${ref.id}`;
}

/** Shared helpers of the steps; holds no state that matters across a restart. */
export class StepContext {
  /** An approval read in this pass that passed the gate, so execution need not read it twice. */
  readonly freshReadings = new Map<string, ApprovalReading>();
  /**
   * A ticket's status as a call of this pass answered it (`finishWork`, a status read), by
   * `ticketKey`, so the close of the same pass need not read it again.
   */
  readonly freshStatuses = new Map<string, TicketStatus>();

  constructor(readonly deps: EngineDeps) {}

  now(): string {
    return this.deps.clock().toISOString();
  }

  later(ms: number): string {
    return new Date(this.deps.clock().getTime() + ms).toISOString();
  }

  itsm(instance: string): ItsmAdapter {
    const found = this.deps.itsms.find((i) => i.instance === instance);
    if (found === undefined) {
      throw new CloseloopError(
        "ITSM_UNKNOWN",
        `no ITSM instance ${instance} is configured`,
        {
          details: { instance },
        },
      );
    }
    return found;
  }

  target(targetId: string): TargetAdapter | undefined {
    return this.deps.targets.find((t) => t.id === targetId);
  }

  emit(
    name: StepEventName,
    record: { fingerprint: string; state: FindingState },
    detail: Record<string, unknown> = {},
    ticket?: TicketRef,
  ): void {
    const event: StepEvent = {
      name,
      findingFingerprint: record.fingerprint,
      state: record.state,
      detail,
      at: this.now(),
    };
    if (ticket !== undefined) {
      event.ticket = {
        itsm: ticket.itsm,
        instance: ticket.instance,
        key: ticket.key,
      };
    }
    this.deps.logger.info(name, {
      findingId: record.fingerprint,
      state: record.state,
      ...(event.ticket === undefined ? {} : { ticket: event.ticket }),
      ...detail,
    });
    this.deps.onStep?.(event);
  }

  async move(
    record: FindingRecord,
    to: FindingState,
    patch: FindingPatch = {},
  ): Promise<Moved> {
    const moved = await this.deps.store.transition(
      record.fingerprint,
      record.state,
      to,
      { attempts: 0, reason: null, lastStep: to, ...patch },
      this.now(),
    );
    return { kind: "moved", record: moved };
  }

  async tickets(record: FindingRecord): Promise<TicketRecord[]> {
    return this.deps.store.listTickets(record.fingerprint, record.cycle);
  }

  /** Opened tickets of the current cycle, the approval source first. */
  async openRefs(record: FindingRecord): Promise<TicketRef[]> {
    return (await this.tickets(record)).flatMap((t) =>
      t.ref !== null && t.lifecycle === "open" ? [t.ref] : [],
    );
  }

  /**
   * Runs an external call once per key: begun in the journal before, completed after. A call
   * already completed is skipped and its stored output returned.
   */
  async once(
    record: FindingRecord,
    key: string,
    kind: string,
    call: (previous: IntentRecord) => Promise<Record<string, unknown>>,
  ): Promise<Record<string, unknown>> {
    const { store } = this.deps;
    const existing = await store.getIntent(key);
    if (existing?.status === "done") return existing.output ?? {};
    const begun = await store.beginIntent(
      {
        key,
        fingerprint: record.fingerprint,
        cycle: record.cycle,
        kind,
        input: {},
      },
      this.now(),
    );
    const output = await call(begun);
    await store.completeIntent(key, "done", output, this.now());
    return output;
  }

  /**
   * A work note on every open ticket of the cycle (but the `except` instance's), at most once per
   * name. No secret goes in.
   */
  async note(
    record: FindingRecord,
    name: string,
    text: string,
    except?: string,
  ): Promise<void> {
    for (const ref of await this.openRefs(record)) {
      if (ref.instance === except) continue;
      const key = `note:${record.fingerprint}:${record.cycle}:${ref.instance}:${name}`;
      await this.once(record, key, "note", async () => {
        await this.itsm(ref.instance).addNote(ref, text);
        return {};
      });
    }
  }

  async secretFor(record: FindingRecord): Promise<SecretValue | null> {
    const sealed = await this.deps.store.getSecret(record.fingerprint);
    return sealed === null
      ? null
      : this.deps.custody.open(sealed, record.fingerprint);
  }
}
