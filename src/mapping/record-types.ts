import type { ItsmKind } from "../itsm/types.js";

/**
 * The ticket record type each ITSM is mapped to, and the fields its mapping file may set. The
 * field names are the ITSM's own; closeloop sets the idempotency marker itself (never a mapping).
 */
export interface RecordType {
  itsm: ItsmKind;
  /** The mapping file, relative to the mappings directory. */
  file: string;
  required: readonly string[];
  optional: readonly string[];
  /** Instance-specific fields: ServiceNow `u_*`, Jira `customfield_NNNNN`. */
  custom: RegExp;
  /** Fields that must show the plan text, so the approval is bound to the plan hash. */
  planTextIn: readonly string[];
}

export const RECORD_TYPES: Record<ItsmKind, RecordType> = {
  // servicenow.md §2.1: change_request fields the connector uses.
  servicenow: {
    itsm: "servicenow",
    file: "servicenow/change_request.yaml",
    required: [
      "short_description",
      "description",
      "implementation_plan",
      "backout_plan",
      "test_plan",
      "type",
    ],
    optional: [
      "justification",
      "assignment_group",
      "assigned_to",
      "category",
      "risk",
      "impact",
      "urgency",
      "priority",
      "risk_impact_analysis",
      "correlation_display",
      "cmdb_ci",
      "business_service",
      "requested_by",
      "start_date",
      "end_date",
      "chg_model",
    ],
    custom: /^u_[a-z0-9_]+$/,
    planTextIn: ["implementation_plan"],
  },
  // jira.md §create: summary and labels never take ADF. The adapter converts description, puts
  // the plan text before it, and takes project and issue type from the instance unless set here.
  jira: {
    itsm: "jira",
    file: "jira/issue.yaml",
    required: ["summary", "description"],
    optional: [
      "project",
      "issuetype",
      "labels",
      "priority",
      "duedate",
      "components",
      "assignee",
      "environment",
      "security",
      "fixVersions",
      "parent",
    ],
    custom: /^customfield_\d+$/,
    planTextIn: [],
  },
};

/**
 * The manual-remediation ticket of a finding that resolved to no target: the same record types
 * and fields, from their own files. No plan, so no field is bound to a plan hash.
 */
export const MANUAL_RECORD_TYPES: Record<ItsmKind, RecordType> = {
  servicenow: {
    ...RECORD_TYPES.servicenow,
    file: "servicenow/manual_change_request.yaml",
    required: ["short_description", "description", "type"],
    optional: [
      ...RECORD_TYPES.servicenow.optional,
      "implementation_plan",
      "backout_plan",
      "test_plan",
    ],
    planTextIn: [],
  },
  jira: { ...RECORD_TYPES.jira, file: "jira/manual-issue.yaml" },
};

export function isKnownField(type: RecordType, field: string): boolean {
  return (
    type.required.includes(field) ||
    type.optional.includes(field) ||
    type.custom.test(field)
  );
}
