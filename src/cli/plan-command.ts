import type { Command } from "commander";
import type { Closeloop } from "../container/index.js";
import { resolve, TOKENS } from "../container/index.js";
import { CloseloopError, InputError } from "../domain/errors.js";
import { makePlan, type Plan } from "../domain/plan.js";
import { renderPlanText } from "../mapping/plan-text.js";
import type { FindingRecord } from "../store/types.js";
import { withCloseloop } from "./container.js";
import type { CliIo, CliOutcome } from "./io.js";
import { configPathFrom, writeJsonLine, writeLine } from "./io.js";

export interface ShownPlan {
  fingerprint: string;
  state: string;
  /** True: the plan stored for the finding (the one its ticket carries); false: a preview. */
  stored: boolean;
  plan: Plan;
}

export function registerPlanCommand(
  program: Command,
  io: CliIo,
  _outcome: CliOutcome,
): void {
  program
    .command("plan")
    .description(
      "show the plan for a stored finding (what would be done, its impact, proof and undo); " +
        "changes nothing",
    )
    .argument(
      "<finding>",
      "the finding's fingerprint, or a unique prefix of it",
    )
    .option("--json", "print the plan as one JSON object", false)
    .option("--config <file>", "configuration file")
    .action(
      async (finding: string, options: { json: boolean; config?: string }) => {
        const shown = await withCloseloop(
          configPathFrom(options.config, io.env),
          io,
          async (closeloop) =>
            await planFor(closeloop, await findRecord(closeloop, finding)),
        );
        if (options.json) {
          writeJsonLine(io, shown);
          return;
        }
        const say = (text: string): void => writeLine((t) => io.out(t), text);
        // The plan text names the finding; this line adds only its state.
        say(`State: ${shown.state}`);
        say(
          shown.stored
            ? "Plan: as stored, the one its ticket carries"
            : "Plan: preview; nothing is stored or sent until `closeloop run` plans it",
        );
        say("");
        say(renderPlanText(shown.plan));
      },
    );
}

/** The finding whose fingerprint is, or starts with, `query`; exactly one, else bad input. */
export async function findRecord(
  closeloop: Closeloop,
  query: string,
): Promise<FindingRecord> {
  const wanted = query.trim().toLowerCase();
  if (wanted === "") {
    throw new InputError("FINDING_UNKNOWN", "give a finding's fingerprint");
  }
  const matches = (await closeloop.store.listFindings()).filter((record) =>
    record.fingerprint.startsWith(wanted),
  );
  const [only, ...others] = matches;
  if (only === undefined) {
    throw new InputError(
      "FINDING_UNKNOWN",
      `no stored finding has a fingerprint starting with "${query}" (see closeloop status)`,
      { details: { finding: query } },
    );
  }
  if (others.length > 0) {
    const listed = matches.map((r) => r.fingerprint.slice(0, 16)).join(", ");
    throw new InputError(
      "FINDING_AMBIGUOUS",
      `"${query}" starts ${matches.length} fingerprints (${listed}); give more characters`,
      { details: { finding: query, matches: matches.length } },
    );
  }
  return only;
}

/**
 * The stored plan, or, for a finding not planned yet, the plan the engine would make now:
 * identity resolved and the target's `planLive()` (reads only, such as the key's owner) or pure
 * `plan()` called, nothing stored or changed.
 */
export async function planFor(
  closeloop: Closeloop,
  record: FindingRecord,
): Promise<ShownPlan> {
  const base = { fingerprint: record.fingerprint, state: record.state };
  if (record.plan !== null) return { ...base, stored: true, plan: record.plan };

  const resolution = resolve(
    closeloop.container,
    TOKENS.resolveIdentity,
  )(record.finding);
  if (!resolution.ok) {
    throw new CloseloopError(
      "PLAN_UNAVAILABLE",
      `no plan for ${record.fingerprint.slice(0, 12)}: the identity is unresolved: ` +
        resolution.unresolved.reason,
      { details: { finding: record.fingerprint } },
    );
  }
  const { identity } = resolution;
  const target = resolve(closeloop.container, TOKENS.targetAdapters).find(
    (candidate) => candidate.id === identity.targetId,
  );
  if (target === undefined) {
    throw new CloseloopError(
      "PLAN_UNAVAILABLE",
      `no plan for ${record.fingerprint.slice(0, 12)}: ` +
        `no target ${identity.targetId} is configured`,
      { details: { finding: record.fingerprint, targetId: identity.targetId } },
    );
  }
  const plan = makePlan({
    findingFingerprint: record.fingerprint,
    targetId: identity.targetId,
    targetKind: identity.targetKind,
    targetEndpoint: await target.endpoint(),
    principal: identity.principal,
    actions:
      target.planLive === undefined
        ? target.plan(identity, record.finding)
        : await target.planLive(identity, record.finding),
  });
  return { ...base, stored: false, plan };
}
