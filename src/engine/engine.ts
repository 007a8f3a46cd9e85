import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { isCloseloopError } from "../domain/errors.js";
import type { SightedBatch } from "../domain/sightings.js";
import { isEndState } from "../domain/states.js";
import { StateConflictError } from "../store/errors.js";
import type {
  FindingRecord,
  FindingUpsert,
  UpsertResult,
} from "../store/types.js";
import { ChangeFilter } from "./change-filter.js";
import { StepContext } from "./context.js";
import { deferStep } from "./deferral.js";
import { backoffMs, errorFields, step } from "./dispatch.js";
import { countOpenWithoutEvidence } from "./metric-readings.js";
import type {
  EngineDeps,
  FindingStatusRow,
  IngestRecord,
  IngestSummary,
  PassSummary,
} from "./types.js";

const MAX_STEPS_PER_PASS = 16;
const MAX_BATCHES_PER_PASS = 50;
const DEFAULT_LEASE_MS = 5 * 60_000;
const DEFAULT_BATCH = 100;

/** The reconcile loop: every step is a recorded transition; the store is its only memory. */
export class Engine {
  readonly #deps: EngineDeps;
  readonly #owner = `engine-${randomUUID()}`;
  readonly #changes = new ChangeFilter();

  constructor(deps: EngineDeps) {
    this.#deps = deps;
  }

  /** Seals secrets, then merges every record in one transaction: all or nothing. */
  async ingest(records: IngestRecord[]): Promise<IngestSummary> {
    const result = await this.#deps.store.upsertFindings(
      this.#sealed(records),
      this.#deps.clock().toISOString(),
    );
    return this.#ingested(result);
  }

  /**
   * `ingest` for a report of any size: batches that may repeat a fingerprint are staged, then
   * merged in one transaction once the last has arrived. If the batches throw (a malformed file),
   * nothing is stored.
   */
  async ingestBatches(
    batches: AsyncIterable<SightedBatch>,
  ): Promise<IngestSummary & { findings: number }> {
    const { store, custody } = this.#deps;
    const stage = await store.stageFindings();
    try {
      for await (const batch of batches) {
        if (batch.kind === "locations") {
          await stage.addLocations(batch.locations);
          continue;
        }
        await stage.add(
          batch.records.map(({ sightings, secret }) => ({
            sightings,
            sealedSecret:
              secret === null
                ? null
                : custody.seal(secret, sightings.fingerprint),
          })),
          batch.last,
        );
      }
    } catch (error) {
      await stage.discard();
      throw error;
    }
    const result = await stage.commit(this.#deps.clock().toISOString());
    return { ...this.#ingested(result), findings: result.findings };
  }

  #sealed(records: IngestRecord[]): FindingUpsert[] {
    const { custody } = this.#deps;
    return records.map((r) => ({
      finding: r.finding,
      sealedSecret:
        r.secret === null
          ? null
          : custody.seal(r.secret, r.finding.fingerprint),
    }));
  }

  #ingested(result: UpsertResult): IngestSummary {
    const ctx = new StepContext(this.#deps);
    for (const fp of result.added)
      ctx.emit("finding.ingested", { fingerprint: fp, state: "new" });
    for (const fp of result.regressions) {
      ctx.emit("finding.regression", { fingerprint: fp, state: "regression" });
    }
    return {
      added: result.added.length,
      updated: result.updated.length,
      regressions: result.regressions.length,
    };
  }

  /** One pass: one change query per ITSM instance, then every finding that is due. */
  async runOnce(): Promise<PassSummary> {
    const { store, logger, policy } = this.#deps;
    const summary: PassSummary = {
      polled: {},
      processed: 0,
      transitions: 0,
      errors: 0,
      deferred: 0,
      states: {},
    };
    const ctx = new StepContext(this.#deps);

    for (const itsm of this.#deps.itsms) {
      try {
        const changed = await itsm.listChangedSince(
          await store.getCursor(itsm.instance),
        );
        const waking = this.#changes.waking(itsm.instance, changed);
        await store.recordTicketChanges(
          itsm.instance,
          waking.ids,
          changed.cursor,
          ctx.now(),
        );
        waking.commit();
        summary.polled[itsm.instance] = changed.ids.length;
      } catch (error) {
        summary.errors += 1;
        logger.warn("itsm.poll_failed", {
          instance: itsm.instance,
          ...errorFields(error),
        });
      }
    }

    const seen = new Set<string>();
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS; batch += 1) {
      const claimed = (
        await store.claimDue(
          ctx.now(),
          this.#owner,
          policy.claimLeaseMs ?? DEFAULT_LEASE_MS,
          policy.batchSize ?? DEFAULT_BATCH,
        )
      ).filter((r) => !seen.has(r.fingerprint));
      if (claimed.length === 0) break;
      for (const record of claimed) {
        seen.add(record.fingerprint);
        summary.processed += 1;
        await this.#advance(ctx, record, summary);
      }
    }

    const findings = await store.listFindings();
    for (const f of findings) {
      summary.states[f.state] = (summary.states[f.state] ?? 0) + 1;
    }
    if (this.#deps.metrics !== undefined) {
      const instances = this.#deps.itsms.map((i) => i.instance);
      this.#deps.metrics.openTicketsWithoutEvidence(
        await countOpenWithoutEvidence(store, findings, instances),
      );
    }
    return summary;
  }

  /** Passes every `intervalMs` until the signal aborts. */
  async run(signal: AbortSignal, intervalMs: number): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.runOnce();
      } catch (error) {
        this.#deps.logger.error("engine.pass_failed", errorFields(error));
      }
      try {
        await sleep(intervalMs, undefined, { signal });
      } catch {
        return;
      }
    }
  }

  async status(): Promise<FindingStatusRow[]> {
    const { store } = this.#deps;
    const rows: FindingStatusRow[] = [];
    for (const f of await store.listFindings()) {
      const tickets = await store.listTickets(f.fingerprint, f.cycle);
      rows.push({
        fingerprint: f.fingerprint,
        title: f.finding.title,
        state: f.state,
        cycle: f.cycle,
        tickets: tickets.map((t) => ({
          itsm: t.itsm,
          instance: t.instance,
          key: t.ref?.key ?? null,
        })),
        lastStep: f.lastStep,
        lastStepAt: f.lastStepAt,
        reason: f.reason,
      });
    }
    return rows;
  }

  async #advance(
    ctx: StepContext,
    first: FindingRecord,
    summary: PassSummary,
  ): Promise<void> {
    const { store, logger } = this.#deps;
    let record = first;
    try {
      for (let i = 0; i < MAX_STEPS_PER_PASS; i += 1) {
        const outcome = await step(ctx, record);
        if (outcome.kind === "wait") {
          if (outcome.deferred === true)
            summary.deferred = (summary.deferred ?? 0) + 1;
          const patch = { dueAt: outcome.dueAt, attempts: 0 };
          await store.updateFinding(
            record.fingerprint,
            outcome.reason === undefined
              ? patch
              : { ...patch, reason: outcome.reason },
            ctx.now(),
          );
          return;
        }
        summary.transitions += 1;
        record = outcome.record;
        // Due later, or only when a ticket changes: this pass is done with it.
        if (isEndState(record.state) || record.dueAt === null) return;
        if (record.dueAt > ctx.now()) return;
      }
      await store.updateFinding(
        record.fingerprint,
        { dueAt: ctx.now() },
        ctx.now(),
      );
    } catch (error) {
      if (error instanceof StateConflictError) return;
      if (await deferStep(ctx, record, error)) {
        summary.deferred = (summary.deferred ?? 0) + 1;
        return;
      }
      summary.errors += 1;
      const attempts = record.attempts + 1;
      const retryAfter = isCloseloopError(error)
        ? error.retryAfterMs
        : undefined;
      const fields = errorFields(error);
      logger.warn("step.failed", {
        findingId: record.fingerprint,
        state: record.state,
        attempt: attempts,
        ...fields,
      });
      await store.updateFinding(
        record.fingerprint,
        {
          attempts,
          dueAt: ctx.later(backoffMs(attempts, retryAfter)),
          reason: `${record.state} failed: ${String(fields["code"])}`,
        },
        ctx.now(),
      );
      ctx.emit("step.failed", record, { ...fields, attempt: attempts });
    } finally {
      ctx.freshReadings.delete(record.fingerprint);
      await store.releaseClaim(first.fingerprint, this.#owner);
    }
  }
}
