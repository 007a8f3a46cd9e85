import type { DemoScenario } from "../types.js";
import { postgresScenario } from "./postgres.js";

/**
 * The demos `closeloop demo --scenario NAME` knows. A new one is one file in this folder exporting
 * a `DemoScenario`, plus one line here; the first entry is the default.
 */
export const DEMO_SCENARIOS: readonly DemoScenario[] = [postgresScenario];

export const DEFAULT_SCENARIO = "postgres";

export function findScenario(name: string): DemoScenario | undefined {
  return DEMO_SCENARIOS.find((scenario) => scenario.name === name);
}

export function scenarioNames(): string[] {
  return DEMO_SCENARIOS.map((scenario) => scenario.name);
}
