import type { Command } from "commander";
import type { CliIo, CliOutcome } from "./io.js";

export function registerRunCommand(
  program: Command,
  _io: CliIo,
  _outcome: CliOutcome,
): void {
  program.command("run").action(() => {
    throw new Error("not wired yet");
  });
}
