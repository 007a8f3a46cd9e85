import type { SandboxSystem } from "../sandbox/server.js";
import type { CleanupStack } from "./cleanup.js";
import type { DemoReporter } from "./reporter.js";

/** What a scenario gets: where to put things, how to say what happens, and how to undo it. */
export interface DemoContext {
  /** The closeloop package root (holds examples/, mappings/, config/demo.yaml). */
  packageRoot: string;
  /** A fresh temporary directory, removed at the end whatever happens. */
  workDir: string;
  cleanup: CleanupStack;
  report: DemoReporter;
  signal: AbortSignal;
  /** Told the simulated systems once they serve, so a test can read their state afterwards. */
  onSandbox?: (systems: readonly SandboxSystem[]) => void;
}

/** How a scenario ended: the fields of the final `demo.finished` line. */
export interface DemoOutcome {
  /** The finding's final state, e.g. `closed`. */
  state: string;
  /** The change or issue key, e.g. `CHG0030001`. */
  change?: string;
  /** SHA-256 of the evidence document attached to the ticket. */
  evidenceSha256?: string;
  [field: string]: unknown;
}

/** One demo: a file under scenarios/ registered in scenarios/index.ts. */
export interface DemoScenario {
  name: string;
  /** One line for `closeloop demo --help` and the unknown-scenario error. */
  summary: string;
  run(context: DemoContext): Promise<DemoOutcome>;
}
