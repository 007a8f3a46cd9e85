import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloseloopError, InputError } from "../domain/errors.js";
import { CleanupStack } from "./cleanup.js";
import { findPackageRoot } from "./package-root.js";
import { createDemoReporter } from "./reporter.js";
import {
  DEFAULT_SCENARIO,
  DEMO_SCENARIOS,
  findScenario,
} from "./scenarios/index.js";
import type { DemoContext, DemoOutcome } from "./types.js";

export interface DemoOptions {
  scenario?: string;
  json: boolean;
  /** Receives one line at a time, without the newline. */
  write: (line: string) => void;
  signal: AbortSignal;
  packageRoot?: string;
  /** Told the simulated systems once they serve (tests read their state afterwards). */
  onSandbox?: DemoContext["onSandbox"];
}

/**
 * Runs one scenario end to end and always cleans up what it started (servers, ports, temporary
 * directories), on success, on failure and on abort. Answers the outcome, or throws: an unknown
 * scenario is an InputError, a loop that did not close is a CloseloopError.
 */
export async function runDemo(options: DemoOptions): Promise<DemoOutcome> {
  const name = options.scenario ?? DEFAULT_SCENARIO;
  const scenario = findScenario(name);
  if (scenario === undefined) {
    const known = DEMO_SCENARIOS.map((s) => `${s.name} (${s.summary})`);
    throw new InputError(
      "DEMO_UNKNOWN_SCENARIO",
      `--scenario ${name}: unknown scenario; known: ${known.join(", ")}`,
      { details: { scenario: name } },
    );
  }

  const report = createDemoReporter(options.write, options.json);
  const cleanup = new CleanupStack();
  const workDir = await mkdtemp(join(tmpdir(), "closeloop-demo-"));
  cleanup.defer("work directory", () =>
    rm(workDir, { recursive: true, force: true }),
  );

  const controller = new AbortController();
  const onAbort = (): void => controller.abort(options.signal.reason);
  options.signal.addEventListener("abort", onAbort, { once: true });
  if (options.signal.aborted) onAbort();

  try {
    report.step(
      "demo.started",
      `scenario ${scenario.name}: ${scenario.summary}`,
      { scenario: scenario.name, workDir },
    );
    controller.signal.throwIfAborted();
    const outcome = await scenario.run({
      packageRoot: options.packageRoot ?? findPackageRoot(),
      workDir,
      cleanup,
      report,
      signal: controller.signal,
      ...(options.onSandbox === undefined
        ? {}
        : { onSandbox: options.onSandbox }),
    });
    await finish(cleanup, report);
    if (outcome.state !== "closed") {
      throw new CloseloopError(
        "DEMO_NOT_CLOSED",
        `the demo ended with the finding ${outcome.state}, not closed`,
        { details: { ...outcome } },
      );
    }
    report.step(
      "demo.finished",
      `done: ${outcome.change ?? "the change"} is closed, evidence sha256 ` +
        `${outcome.evidenceSha256 ?? "(none)"}`,
      { scenario: scenario.name, ...outcome },
    );
    return outcome;
  } catch (error) {
    controller.abort(error);
    await finish(cleanup, report);
    throw error;
  } finally {
    options.signal.removeEventListener("abort", onAbort);
  }
}

async function finish(
  cleanup: CleanupStack,
  report: ReturnType<typeof createDemoReporter>,
): Promise<void> {
  if (cleanup.size === 0) return;
  const failures = await cleanup.runAll();
  for (const failure of failures) {
    report.step("demo.cleanup.failed", `could not clean up ${failure.name}`, {
      what: failure.name,
      error:
        failure.error instanceof Error
          ? failure.error.message
          : String(failure.error),
    });
  }
  report.step(
    "demo.cleaned-up",
    "stopped every server and removed the temporary files",
    { failures: failures.length },
  );
}
