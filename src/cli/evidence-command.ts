import type { Command } from "commander";
import type { CliIo, CliOutcome } from "./io.js";

export function registerEvidenceCommand(
  program: Command,
  _io: CliIo,
  _outcome: CliOutcome,
): void {
  program.command("evidence").action(() => {
    throw new Error("not wired yet");
  });
}
