/** The Jira simulator's data model: workflows, issues and what hangs off them. */
export type StatusCategoryKey = "new" | "indeterminate" | "done";

// Category ids as Jira Cloud reports them (reference/jira.md §3.3).
export const CATEGORY = {
  new: { id: 2, key: "new", name: "To Do", colorName: "blue-gray" },
  indeterminate: {
    id: 4,
    key: "indeterminate",
    name: "In Progress",
    colorName: "yellow",
  },
  done: { id: 3, key: "done", name: "Done", colorName: "green" },
} as const;

export interface SimStatus {
  id: string;
  name: string;
  category: StatusCategoryKey;
}

export interface SimTransition {
  id: string;
  name: string;
  /** Status ids this transition starts from. */
  from: string[];
  to: string;
  hasScreen: boolean;
  /** Whether the transition screen offers the resolution field. */
  resolutionOnScreen: boolean;
}

export interface SimWorkflow {
  name: string;
  initial: string;
  statuses: SimStatus[];
  transitions: SimTransition[];
}

export interface SimUser {
  accountId: string;
  name: string;
  displayName: string;
  emailAddress: string;
}

export interface SimApprover {
  user: SimUser;
  decision: "pending" | "approved" | "declined";
}

export interface SimApproval {
  id: string;
  name: string;
  finalDecision: "pending" | "approved" | "declined";
  approvers: SimApprover[];
  createdAt: number;
  completedAt: number | null;
}

export interface SimAttachment {
  id: string;
  filename: string;
  mimeType: string;
  bytes: Buffer;
  created: number;
  author: SimUser;
}

export interface SimComment {
  id: string;
  body: unknown;
  author: SimUser;
  created: number;
}

export interface SimIssue {
  id: string;
  key: string;
  projectKey: string;
  statusId: string;
  resolution: string | null;
  /** Every other field as the client sent it (summary, labels, custom fields…). */
  fields: Record<string, unknown>;
  properties: Map<string, unknown>;
  comments: SimComment[];
  attachments: SimAttachment[];
  approvals: SimApproval[];
  reporter: SimUser;
  created: number;
  updated: number;
  /** Search sees the issue only once the search counter passes this (index lag). */
  visibleFromSearch: number;
  /** Remote links (reference/jira.md §2.7); absent on an issue that never had one. */
  remoteLinks?: SimRemoteLink[];
}

export interface SimRemoteLink {
  id: string;
  globalId: string | null;
  url: string;
  title: string;
}

export interface SimProject {
  id: string;
  key: string;
  name: string;
  workflow: SimWorkflow;
  /** A Jira Service Management project: new issues get an approval step. */
  serviceDesk: boolean;
}

const TO_DO: SimStatus = { id: "10000", name: "To Do", category: "new" };
const DONE: SimStatus = { id: "10001", name: "Done", category: "done" };

/** To Do → In Progress → Done, with a direct Done from To Do as well. */
export const defaultWorkflow: SimWorkflow = {
  name: "default",
  initial: TO_DO.id,
  statuses: [
    TO_DO,
    { id: "3", name: "In Progress", category: "indeterminate" },
    DONE,
  ],
  transitions: [
    {
      id: "11",
      name: "Start Progress",
      from: [TO_DO.id],
      to: "3",
      hasScreen: false,
      resolutionOnScreen: false,
    },
    {
      id: "21",
      name: "Done",
      from: [TO_DO.id, "3"],
      to: DONE.id,
      hasScreen: true,
      resolutionOnScreen: true,
    },
    {
      id: "41",
      name: "Reopen",
      from: [DONE.id],
      to: TO_DO.id,
      hasScreen: false,
      resolutionOnScreen: false,
    },
  ],
};

/** BR-18: no Done from To Do; it needs the hop through In Progress. */
export const hopWorkflow: SimWorkflow = {
  name: "needs-hop",
  initial: TO_DO.id,
  statuses: [
    TO_DO,
    { id: "10206", name: "In Progress", category: "indeterminate" },
    { id: "10164", name: "Exception", category: "new" },
    DONE,
  ],
  transitions: [
    {
      id: "5011",
      name: "In Progress",
      from: [TO_DO.id],
      to: "10206",
      hasScreen: false,
      resolutionOnScreen: false,
    },
    {
      id: "1001",
      name: "Exception",
      from: [TO_DO.id],
      to: "10164",
      hasScreen: false,
      resolutionOnScreen: false,
    },
    {
      id: "31",
      name: "Resolve",
      from: ["10206"],
      to: DONE.id,
      hasScreen: false,
      resolutionOnScreen: false,
    },
  ],
};

export const sandboxUsers: SimUser[] = [
  {
    accountId: "712020:closeloop-bot",
    name: "closeloop",
    displayName: "closeloop",
    emailAddress: "closeloop@example.com",
  },
  {
    accountId: "712020:cab-alice",
    name: "cab.alice",
    displayName: "Alice (CAB)",
    emailAddress: "alice@example.com",
  },
  {
    accountId: "712020:cab-bob",
    name: "cab.bob",
    displayName: "Bob (CAB)",
    emailAddress: "bob@example.com",
  },
];
