import { Command, CommanderError } from "commander";
import { describeError, exitCodeFor } from "./exit-code.js";
import type { CliIo, CliOutcome } from "./io.js";
import { writeLine } from "./io.js";

export const CLI_VERSION = "0.1.0";

type Register = (program: Command, io: CliIo, outcome: CliOutcome) => void;

/**
 * Each command's module, loaded when it runs: `closeloop ingest` need not load the ITSM clients,
 * the cloud SDKs and the sandboxes (about 90 MB and a second at start).
 */
const COMMANDS: Record<string, () => Promise<Register[]>> = {
  run: async () => [(await import("./run-command.js")).registerRunCommand],
  ingest: async () => [
    (await import("./ingest-command.js")).registerIngestCommand,
  ],
  status: async () => [
    (await import("./status-command.js")).registerStatusCommand,
  ],
  plan: async () => [(await import("./plan-command.js")).registerPlanCommand],
  pause: async () => [
    (await import("./pause-command.js")).registerPauseCommands,
  ],
  demo: async () => [(await import("./demo-command.js")).registerDemoCommand],
  sandbox: async () => [
    (await import("./sandbox-command.js")).registerSandboxCommand,
  ],
  evidence: async () => [
    (await import("./evidence-command.js")).registerEvidenceCommand,
  ],
  config: async () => [
    (await import("./config-command.js")).registerConfigCommand,
  ],
};
COMMANDS.resume = COMMANDS.pause as () => Promise<Register[]>;

/** Every command, in the order help lists them. */
async function allCommands(): Promise<Register[]> {
  const seen = new Set<Register>();
  for (const load of Object.values(COMMANDS))
    for (const r of await load()) seen.add(r);
  return [...seen];
}

/**
 * The command tree for `argv`, writing through `io`; commands record a failed run in `outcome`.
 * Only the named command is loaded; help, a version or an unknown command load them all.
 */
export async function buildProgram(
  io: CliIo,
  outcome: CliOutcome,
  argv: readonly string[] = [],
): Promise<Command> {
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

  // Own keys only: `closeloop constructor` is an unknown command, not Object's constructor.
  const first = argv[0];
  const named =
    first !== undefined && Object.hasOwn(COMMANDS, first)
      ? COMMANDS[first]
      : undefined;
  const registers = named === undefined ? await allCommands() : await named();
  for (const register of registers) register(program, io, outcome);
  return program;
}

/**
 * Runs one command line (without `node` and the script) and answers the exit code. Never throws
 * and never calls process.exit: main.ts does that.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const outcome: CliOutcome = { exitCode: 0 };
  const program = await buildProgram(io, outcome, argv);

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
