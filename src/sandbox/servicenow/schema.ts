/**
 * The tables the simulator holds, with what the Table API needs to render them: reference targets,
 * journal fields (display-only, reference §0.4), and choice labels (raw values are what count,
 * labels only show with display values, cases BR-07).
 */
export interface TableDef {
  fields: readonly string[];
  refs: Readonly<Record<string, string>>;
  journals: readonly string[];
  /** The field shown as a reference's display value. */
  displayField: string;
  choices: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const SYS_FIELDS = [
  "sys_id",
  "sys_created_on",
  "sys_created_by",
  "sys_updated_on",
  "sys_updated_by",
  "sys_mod_count",
] as const;

export const CHANGE_STATE_LABELS: Readonly<Record<string, string>> = {
  "-5": "New",
  "-4": "Assess",
  "-3": "Authorize",
  "-2": "Scheduled",
  "-1": "Implement",
  "0": "Review",
  "3": "Closed",
  "4": "Canceled",
};

const APPROVAL_LABELS = {
  "not requested": "Not Yet Requested",
  requested: "Requested",
  approved: "Approved",
  rejected: "Rejected",
  not_required: "No Longer Required",
  cancelled: "Cancelled",
};

export const TABLES: Readonly<Record<string, TableDef>> = {
  change_request: {
    fields: [
      ...SYS_FIELDS,
      "number",
      "type",
      "state",
      "approval",
      "approval_set",
      "short_description",
      "description",
      "justification",
      "implementation_plan",
      "backout_plan",
      "test_plan",
      "risk",
      "impact",
      "correlation_id",
      "correlation_display",
      "assignment_group",
      "assigned_to",
      "requested_by",
      "opened_by",
      "start_date",
      "end_date",
      "close_code",
      "close_notes",
      "on_hold",
      "on_hold_reason",
      "active",
      "cmdb_ci",
      "work_notes",
      "comments",
      "approval_history",
    ],
    refs: {
      assignment_group: "sys_user_group",
      assigned_to: "sys_user",
      requested_by: "sys_user",
      opened_by: "sys_user",
    },
    journals: ["work_notes", "comments", "approval_history"],
    displayField: "number",
    choices: {
      state: CHANGE_STATE_LABELS,
      approval: APPROVAL_LABELS,
      type: { normal: "Normal", standard: "Standard", emergency: "Emergency" },
      close_code: {
        successful: "Successful",
        successful_issues: "Successful with issues",
        unsuccessful: "Unsuccessful",
      },
    },
  },
  sysapproval_approver: {
    fields: [
      ...SYS_FIELDS,
      "approver",
      "sysapproval",
      "document_id",
      "source_table",
      "state",
      "group",
      "comments",
      "approval_column",
      "iteration",
    ],
    refs: {
      approver: "sys_user",
      sysapproval: "change_request",
      document_id: "change_request",
      group: "sysapproval_group",
    },
    journals: ["comments"],
    displayField: "sys_id",
    choices: { state: APPROVAL_LABELS },
  },
  sysapproval_group: {
    fields: [...SYS_FIELDS, "parent", "assignment_group", "approval"],
    refs: { parent: "change_request", assignment_group: "sys_user_group" },
    journals: [],
    displayField: "sys_id",
    choices: { approval: APPROVAL_LABELS },
  },
  sys_user: {
    fields: [...SYS_FIELDS, "user_name", "name", "email", "active"],
    refs: {},
    journals: [],
    displayField: "name",
    choices: {},
  },
  sys_user_group: {
    fields: [...SYS_FIELDS, "name", "description", "active"],
    refs: {},
    journals: [],
    displayField: "name",
    choices: {},
  },
  sys_user_grmember: {
    fields: [...SYS_FIELDS, "user", "group"],
    refs: { user: "sys_user", group: "sys_user_group" },
    journals: [],
    displayField: "sys_id",
    choices: {},
  },
  sys_journal_field: {
    fields: [...SYS_FIELDS, "element_id", "element", "name", "value"],
    refs: {},
    journals: [],
    displayField: "sys_id",
    choices: {},
  },
};

export function tableDef(name: string): TableDef | undefined {
  return TABLES[name];
}

/** ServiceNow writes dates as `YYYY-MM-DD HH:MM:SS` in UTC (reference §4). */
export function glideDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}
