import { createHash } from "node:crypto";
import type { TargetKind } from "./identity.js";

export type ActionParam = string | number | boolean | null;

/** One concrete step of a plan, written so a change manager can approve it as it stands. */
export interface PlannedAction {
  /** Stable within the plan: `a1`, `a2`, … */
  id: string;
  /** The adapter's action name, e.g. `postgres.disable-login`. */
  kind: string;
  /** One line: exactly what is done, on which principal. */
  summary: string;
  /** What this breaks for whoever still uses the credential. */
  impact: string;
  /** How it is proved done. */
  verification: string;
  /** How to undo it, or null where it cannot be undone (and the plan says so). */
  undo: string | null;
  optional: boolean;
  params: Record<string, ActionParam>;
  /**
   * The call takes the leaked value itself (a token revoked by sending the token). Only such an
   * action gets it from custody, for that call alone; it is part of the hash, so the change
   * manager approves it knowingly. Absent everywhere else, which keeps older plans' hashes.
   */
  usesLeakedSecret?: true;
}

/** Said in the plan text on each action marked `usesLeakedSecret`. */
export const LEAKED_VALUE_LINE =
  "Uses the leaked value: yes, unsealed from custody for this call only, never logged or stored";

export interface Plan {
  findingFingerprint: string;
  targetId: string;
  targetKind: TargetKind;
  /**
   * What the target acts on, as configured when planned (postgres `host:port/database`, an
   * instance or API URL, an AWS account); never a credential. Part of the hash, and compared
   * with the target's current one before anything runs. Absent only in plans stored before it
   * was recorded: such a plan is never executed (the gate's `target_changed`).
   */
  targetEndpoint?: string;
  principal: string;
  actions: PlannedAction[];
  /** SHA-256 over the canonical JSON of everything above: what the approval is bound to. */
  hash: string;
}

export type PlanContent = Omit<Plan, "hash">;

/** JSON with sorted keys at every depth: the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object")
    return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function hashPlan(content: PlanContent): string {
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}

export function makePlan(content: PlanContent): Plan {
  return { ...content, hash: hashPlan(content) };
}
