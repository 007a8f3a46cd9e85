import type { FindingState } from "../domain/states.js";
import type { FindingRecord, Store } from "../store/types.js";
import type { EngineDeps } from "./types.js";

/** States in which the change has run (or is running) and its evidence is not confirmed yet. */
const RAN_STATES = new Set<FindingState>([
  "executing",
  "verifying",
  "evidence",
  "still_valid",
  "action_failed",
]);

/**
 * When the current cycle's leak was detected: the finding's own time, unless a regression (a new
 * sighting after closure) started a later cycle; a lost ticket reopened is the same detection.
 */
export async function cycleDetectedAt(
  store: Store,
  record: FindingRecord,
): Promise<string> {
  if (record.cycle === 1) return record.finding.detectedAt;
  const regressions = (await store.listTransitions(record.fingerprint)).filter(
    (t) => t.to === "regression" && t.cycle <= record.cycle,
  );
  const latest = regressions
    .map((t) => t.at)
    .sort()
    .at(-1);
  return latest ?? record.finding.detectedAt;
}

/** Observes the time to verified revocation of `record` on `target`; a no-op without metrics. */
export async function reportRevocation(
  deps: Pick<EngineDeps, "store" | "metrics" | "clock">,
  record: FindingRecord,
  target: string,
): Promise<void> {
  if (deps.metrics === undefined) return;
  const detectedAt = await cycleDetectedAt(deps.store, record);
  deps.metrics.revocationVerified(target, detectedAt, deps.clock());
}

/**
 * Open tickets of findings whose change has run, per instance, read from the store alone (so the
 * count is whole after a restart). The close step begins a `ticket.close` only once every ticket
 * of the cycle shows its evidence ready: from then on the cycle's tickets count as confirmed.
 */
export async function countOpenWithoutEvidence(
  store: Store,
  findings: readonly FindingRecord[],
  instances: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>(instances.map((i) => [i, 0]));
  for (const f of findings) {
    if (!RAN_STATES.has(f.state)) continue;
    const open = (await store.listTickets(f.fingerprint, f.cycle)).filter(
      (t) => t.lifecycle === "open",
    );
    if (open.length === 0) continue;
    const intents = await store.listIntents(f.fingerprint, f.cycle);
    if (intents.some((i) => i.kind === "ticket.close")) continue;
    for (const t of open)
      counts.set(t.instance, (counts.get(t.instance) ?? 0) + 1);
  }
  return counts;
}
