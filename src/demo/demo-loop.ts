import { randomBytes } from "node:crypto";
import type { Config } from "../config/schema.js";
import { openCloseloop, type Closeloop } from "../container/index.js";
import type { FindingStatusRow, StepEvent } from "../engine/types.js";
import type { IngestRecord } from "../ingest/index.js";
import { silentLogger } from "../logging/logger.js";
import { passUntil } from "./passes.js";
import { describeStep } from "./step-text.js";
import type { DemoContext } from "./types.js";

const PASS_DEADLINE_MS = 15_000;

/** A fresh value for a sandbox password or token: a new one every run, never printed. */
export function freshSecret(): string {
  return randomBytes(18).toString("base64url");
}

/** The custody key every demo configuration names (`CLOSELOOP_DEMO_CUSTODY_KEY`). */
export function custodyEnv(): NodeJS.ProcessEnv {
  return { CLOSELOOP_DEMO_CUSTODY_KEY: randomBytes(32).toString("base64") };
}

/**
 * closeloop as the daemon would run it, with each engine step printed as it happens and the store
 * closed when the demo ends. The evidence signing key is created in the run's data directory.
 */
export async function openDemoLoop(
  ctx: DemoContext,
  config: Config,
  env: NodeJS.ProcessEnv,
): Promise<Closeloop> {
  const deps = {
    env,
    logger: silentLogger,
    onStep: (event: StepEvent) => {
      const step = describeStep(event);
      ctx.report.step(step.event, step.text, step.fields);
    },
  };
  const loop = await openCloseloop(config, deps);
  ctx.cleanup.defer("closeloop store", () => loop.close());
  return loop;
}

export interface AwaitingApproval {
  row: FindingStatusRow;
  /** Every ticket of the finding that has a key, in routing order (the first holds approval). */
  tickets: { itsm: string; instance: string; key: string }[];
}

/**
 * Hands the records to the engine and runs passes until the finding waits for a person. Answers
 * null, with the row, when it ended somewhere else (an unresolved identity, say).
 */
export async function ingestUntilApproval(
  loop: Closeloop,
  ctx: DemoContext,
  records: IngestRecord[],
): Promise<AwaitingApproval | { row: FindingStatusRow; tickets: null }> {
  await loop.engine.ingest(records);
  const row = await passUntil(loop.engine, ctx.signal, PASS_DEADLINE_MS, (r) =>
    r.state === "awaiting_approval" ? true : null,
  );
  const tickets = row.tickets.flatMap((t) =>
    t.key === null ? [] : [{ itsm: t.itsm, instance: t.instance, key: t.key }],
  );
  if (row.state !== "awaiting_approval" || tickets.length === 0) {
    return { row, tickets: null };
  }
  return { row, tickets };
}

/** Runs passes until the finding reaches an end state; answers it and the last evidence hash. */
export async function runToEnd(
  loop: Closeloop,
  ctx: DemoContext,
): Promise<{ row: FindingStatusRow; evidenceSha256: string | null }> {
  const row = await passUntil(
    loop.engine,
    ctx.signal,
    PASS_DEADLINE_MS,
    () => null,
  );
  const evidence = await loop.store.listEvidence({});
  return { row, evidenceSha256: evidence.at(-1)?.sha256 ?? null };
}
