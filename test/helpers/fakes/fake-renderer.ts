import type { ItsmKind } from "../../../src/itsm/types.js";
import type {
  ManualMappingContext,
  MappingContext,
  TicketFieldsRenderer,
} from "../../../src/mapping/types.js";

/** Renders the few fields a test needs, the way a mapping would: from the context only. */
export class FakeRenderer implements TicketFieldsRenderer {
  render(itsm: ItsmKind, context: MappingContext): Record<string, unknown> {
    const principal = context.identity?.principal ?? "?";
    const summary = `Revoke leaked ${context.finding.detector} for ${principal}`;
    if (itsm === "servicenow") {
      return {
        short_description: summary,
        implementation_plan: context.planText,
        correlation_id: context.correlationId,
      };
    }
    return {
      summary,
      description: context.planText,
      labels: [context.correlationId],
    };
  }

  renderManual(
    itsm: ItsmKind,
    context: ManualMappingContext,
  ): Record<string, unknown> {
    const summary = `Remediate ${context.finding.detector} by hand`;
    const description = `closeloop could not resolve: ${context.reason}`;
    if (itsm === "servicenow") {
      return { short_description: summary, description, type: "normal" };
    }
    return { summary, description };
  }
}
