import type { Command } from "commander";
import type { Closeloop } from "../container/index.js";
import { resolve as resolveToken, TOKENS } from "../container/index.js";
import { withCloseloop } from "./container.js";
import type { CliIo, CliOutcome } from "./io.js";
import { configPathFrom, writeJsonLine, writeLine } from "./io.js";

/** Reasons the engine stores for a step refused by the pause (`executing failed: …`). */
const PAUSED_CODE = "EXECUTION_PAUSED";

export function registerPauseCommands(
  program: Command,
  io: CliIo,
  _outcome: CliOutcome,
): void {
  program
    .command("pause")
    .description(
      "stop all execution at once: no action runs on any target until resume " +
        "(tickets, approvals and verification go on)",
    )
    .option("--reason <text>", "why, shown by status")
    .option("--json", "print the result as JSON", false)
    .option("--config <file>", "configuration file")
    .action(
      async (options: { reason?: string; json: boolean; config?: string }) => {
        const state = await withCloseloop(
          configPathFrom(options.config, io.env),
          io,
          (closeloop) =>
            Promise.resolve(closeloop.pause.pause(options.reason ?? null)),
        );
        if (options.json) {
          writeJsonLine(io, { paused: true, ...state });
          return;
        }
        writeLine(
          (t) => io.out(t),
          `execution paused since ${state.since}` +
            (state.reason === null ? "" : ` (${state.reason})`),
        );
      },
    );

  program
    .command("resume")
    .description("lift the pause: actions held back run at the next pass")
    .option("--json", "print the result as JSON", false)
    .option("--config <file>", "configuration file")
    .action(async (options: { json: boolean; config?: string }) => {
      const result = await withCloseloop(
        configPathFrom(options.config, io.env),
        io,
        resume,
      );
      if (options.json) {
        writeJsonLine(io, { paused: false, ...result });
        return;
      }
      writeLine(
        (t) => io.out(t),
        result.wasPaused
          ? `execution resumed; ${result.rescheduled} held-back finding(s) run at the next pass`
          : "execution was not paused",
      );
    });
}

/**
 * Lifts the pause and makes the findings it held back due now: the engine backs a refused step
 * off like any failure (up to an hour), which must not delay the work once it is allowed again.
 */
async function resume(
  closeloop: Closeloop,
): Promise<{ wasPaused: boolean; rescheduled: number }> {
  const wasPaused = closeloop.pause.resume();
  const now = resolveToken(closeloop.container, TOKENS.clock)().toISOString();
  let rescheduled = 0;
  for (const record of await closeloop.store.listFindings()) {
    if (record.dueAt === null || !record.reason?.includes(PAUSED_CODE))
      continue;
    await closeloop.store.updateFinding(
      record.fingerprint,
      { dueAt: now, attempts: 0 },
      now,
    );
    rescheduled += 1;
  }
  return { wasPaused, rescheduled };
}
