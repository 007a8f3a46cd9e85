import type { Command } from "commander";
import type { CliIo, CliOutcome } from "./io.js";

export function registerStatusCommand(
  program: Command,
  _io: CliIo,
  _outcome: CliOutcome,
): void {
  program.command("status").action(() => {
    throw new Error("not wired yet");
  });
}
