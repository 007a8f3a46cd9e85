import type { Finding } from "../domain/finding.js";
import type { Identity } from "../domain/identity.js";
import type { Plan } from "../domain/plan.js";
import type { ItsmKind } from "../itsm/types.js";

/** What a mapping template can see. No secret is ever in it. */
export interface MappingContext {
  finding: Finding;
  identity: Identity | null;
  plan: Plan;
  planText: string;
  correlationId: string;
  /** The owning team, where ownership resolved one. */
  owner: string | null;
}

/**
 * What a manual-remediation template can see: a finding closeloop could not tie to a target, and
 * why. There is no identity and no plan. No secret is ever in it.
 */
export interface ManualMappingContext {
  finding: Finding;
  /** Why the finding resolved to no target (the resolution's reason). */
  reason: string;
  correlationId: string;
  /** The owning team, where ownership rules found one without a target. */
  owner: string | null;
}

/** Turns a finding and its plan into the ticket fields of one ITSM record type. */
export interface TicketFieldsRenderer {
  render(itsm: ItsmKind, context: MappingContext): Record<string, unknown>;
  /** The fields of a manual-remediation ticket (`routing.unresolved`), from its own mapping. */
  renderManual(
    itsm: ItsmKind,
    context: ManualMappingContext,
  ): Record<string, unknown>;
}
