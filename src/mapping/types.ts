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

/** Turns a finding and its plan into the ticket fields of one ITSM record type. */
export interface TicketFieldsRenderer {
  render(itsm: ItsmKind, context: MappingContext): Record<string, unknown>;
}
