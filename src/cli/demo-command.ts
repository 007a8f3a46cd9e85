import type { Command } from "commander";
import { runDemo } from "../demo/run-demo.js";
import { DEFAULT_SCENARIO, DEMO_SCENARIOS } from "../demo/scenarios/index.js";
import type { CliIo, CliOutcome } from "./io.js";

export function registerDemoCommand(
  program: Command,
  io: CliIo,
  _outcome: CliOutcome,
): void {
  const known = DEMO_SCENARIOS.map((s) => s.name).join(", ");
  program
    .command("demo")
    .description(
      "run the whole loop on real input against the sandbox: a real scanner, a real " +
        "target, a sandbox ITSM and a scripted CAB member",
    )
    .option("--scenario <name>", `which demo (${known})`, DEFAULT_SCENARIO)
    .option("--json", "print each step as one JSON object a line", false)
    .action(async (options: { scenario: string; json: boolean }) => {
      await runDemo({
        scenario: options.scenario,
        json: options.json,
        write: (line) => io.out(`${line}\n`),
        signal: io.signal,
      });
    });
}
