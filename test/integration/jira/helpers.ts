import { setupServer } from "msw/node";
import { afterEach, expect } from "vitest";
import { silentLogger } from "../../../src/logging/logger.js";
import type { LogFields, Logger } from "../../../src/logging/logger.js";
import { makePlan } from "../../../src/domain/plan.js";
import {
  createJiraAdapter,
  jiraInstanceSchema,
} from "../../../src/itsm/jira/index.js";
import type { JiraInstanceInput } from "../../../src/itsm/jira/index.js";
import type { TicketDraft } from "../../../src/itsm/types.js";
import {
  JiraSimulator,
  jiraHandlers,
} from "../../../src/sandbox/jira/index.js";
import type { JiraSimulatorOptions } from "../../../src/sandbox/jira/index.js";
import { checkAgainstOpenApi } from "./openapi-check.js";

export const JIRA_URL = "https://acme.atlassian.net";

/**
 * A simulator behind msw. Unless `checkSpec` is false (a simulator started inside a test), every
 * request it received during a test is checked against Atlassian's description after the test.
 */
export function startJira(
  options: JiraSimulatorOptions = {},
  { checkSpec = true, baseUrl = JIRA_URL } = {},
) {
  const sim = new JiraSimulator(options);
  const server = setupServer(...jiraHandlers(sim, baseUrl));
  server.listen({ onUnhandledRequest: "error" });
  if (checkSpec) expectRequestsMatchSpec(sim);
  return { sim, server };
}

/** After each test: the requests of that test match the OpenAPI description (openapi-check). */
export function expectRequestsMatchSpec(sim: JiraSimulator): void {
  let checked = 0;
  afterEach(() => {
    const fresh = sim.requests.slice(checked);
    checked = sim.requests.length;
    expect(checkAgainstOpenApi(fresh)).toEqual([]);
  });
}

export interface RecordedLog {
  level: string;
  event: string;
  fields: LogFields;
}

export function recordingLogger(sink: RecordedLog[]): Logger {
  const make = (base: LogFields): Logger => ({
    debug: (event, fields = {}) =>
      sink.push({ level: "debug", event, fields: { ...base, ...fields } }),
    info: (event, fields = {}) =>
      sink.push({ level: "info", event, fields: { ...base, ...fields } }),
    warn: (event, fields = {}) =>
      sink.push({ level: "warn", event, fields: { ...base, ...fields } }),
    error: (event, fields = {}) =>
      sink.push({ level: "error", event, fields: { ...base, ...fields } }),
    child: (fields) => make({ ...base, ...fields }),
  });
  return make({});
}

export function makeAdapter(
  overrides: Partial<JiraInstanceInput> = {},
  deps: {
    logger?: Logger;
    sleep?: (ms: number) => Promise<void>;
    now?: () => Date;
  } = {},
) {
  const config = jiraInstanceSchema.parse({
    id: "jira-test",
    kind: "jira",
    baseUrl: JIRA_URL,
    deployment: "cloud",
    auth: {
      type: "basic",
      email: "closeloop@example.com",
      apiToken: { env: "JIRA_TOKEN" },
    },
    project: "SEC",
    issueType: "Task",
    approval: { mode: "jsm" },
    closePath: ["5011"],
    ratePerSecond: 1000,
    ...overrides,
  });
  const sleeps: number[] = [];
  const adapter = createJiraAdapter(config, {
    logger: deps.logger ?? silentLogger,
    env: { JIRA_TOKEN: "test-token-value" },
    sleep:
      deps.sleep ??
      ((ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      }),
    ...(deps.now === undefined ? {} : { now: deps.now }),
  });
  return { adapter, sleeps, config };
}

export function makeDraft(
  id = "F1",
  fields: Record<string, unknown> = {},
): TicketDraft {
  const plan = makePlan({
    findingFingerprint: `fp-${id}`,
    targetId: "pg-prod",
    targetKind: "postgres",
    principal: "app_reporting",
    actions: [
      {
        id: "a1",
        kind: "postgres.disable-login",
        summary: "Disable login for role app_reporting",
        impact: "Jobs using app_reporting stop connecting",
        verification: "A login attempt fails",
        undo: "ALTER ROLE app_reporting LOGIN",
        optional: false,
        params: { role: "app_reporting" },
      },
    ],
  });
  return {
    findingFingerprint: `fp-${id}`,
    correlationId: `finding-${id}`,
    fields: {
      summary: "Leaked PostgreSQL password for app_reporting",
      description: "Found by gitleaks.",
      ...fields,
    },
    plan,
    planText: `Plan for app_reporting\nPlan hash: ${plan.hash}`,
  };
}
