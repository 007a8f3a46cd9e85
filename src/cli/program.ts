import { Command, CommanderError } from "commander";
import { registerConfigCommand } from "./config-command.js";
import { registerDemoCommand } from "./demo-command.js";
import { registerEvidenceCommand } from "./evidence-command.js";
import { describeError, exitCodeFor } from "./exit-code.js";
import { registerIngestCommand } from "./ingest-command.js";
import type { CliIo, CliOutcome } from "./io.js";
import { writeLine } from "./io.js";
import { registerPauseCommands } from "./pause-command.js";
import { registerPlanCommand } from "./plan-command.js";
import { registerRunCommand } from "./run-command.js";
import { registerSandboxCommand } from "./sandbox-command.js";
import { registerStatusCommand } from "./status-command.js";

export const CLI_VERSION = "0.1.0";

/** The whole command tree, writing through `io`; commands record a failed run in `outcome`. */
export function buildProgram(io: CliIo, outcome: CliOutcome): Command {
  const program = new Command("closeloop")
    .description(
      "Turns a finding about a non-human identity into an approved, executed, " +
        "proven and closed change.",
    )
    .version(CLI_VERSION)
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
    })
    .showHelpAfterError('(run "closeloop --help" for usage)')
    .exitOverride();

  registerRunCommand(program, io, outcome);
  registerIngestCommand(program, io, outcome);
  registerStatusCommand(program, io, outcome);
  registerPlanCommand(program, io, outcome);
  registerPauseCommands(program, io, outcome);
  registerDemoCommand(program, io, outcome);
  registerSandboxCommand(program, io, outcome);
  registerEvidenceCommand(program, io, outcome);
  registerConfigCommand(program, io, outcome);
  return program;
}

/**
 * Runs one command line (without `node` and the script) and answers the exit code. Never throws
 * and never calls process.exit: main.ts does that.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const outcome: CliOutcome = { exitCode: 0 };
  const program = buildProgram(io, outcome);

  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return 2;
  }

  try {
    await program.parseAsync(argv, { from: "user" });
    return outcome.exitCode;
  } catch (error) {
    const line = describeError(error);
    if (line !== null) writeLine((text) => io.err(text), line);
    if (error instanceof CommanderError) return exitCodeFor(error);
    if (io.env.CLOSELOOP_DEBUG === "1" && error instanceof Error) {
      writeLine((text) => io.err(text), error.stack ?? "");
    }
    return exitCodeFor(error);
  }
}
