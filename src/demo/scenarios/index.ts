import type { DemoScenario } from "../types.js";
import { awsKeyScenario } from "./aws-key.js";
import { githubTokenScenario } from "./github-token.js";
import { jiraScenario } from "./jira.js";
import { postgresScenario } from "./postgres.js";
import { salesforceUserScenario } from "./salesforce-user.js";
import { servicenowJiraScenario } from "./servicenow-jira.js";

/**
 * The demos `closeloop demo --scenario NAME` knows. A new one is one file in this folder exporting
 * a `DemoScenario`, plus one line here; the first entry is the default.
 */
export const DEMO_SCENARIOS: readonly DemoScenario[] = [
  postgresScenario,
  jiraScenario,
  servicenowJiraScenario,
  awsKeyScenario,
  githubTokenScenario,
  salesforceUserScenario,
];

export const DEFAULT_SCENARIO = "postgres";

export function findScenario(name: string): DemoScenario | undefined {
  return DEMO_SCENARIOS.find((scenario) => scenario.name === name);
}

export function scenarioNames(): string[] {
  return DEMO_SCENARIOS.map((scenario) => scenario.name);
}
