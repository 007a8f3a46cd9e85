import type { Command } from "commander";
import type { Closeloop } from "../container/index.js";
import { PAUSED_REASON } from "../engine/deferral.js";
import { withCloseloop } from "./container.js";
import type { CliIo, CliOutcome } from "./io.js";
import { configPathFrom, writeJsonLine, writeLine } from "./io.js";

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
          ? `execution resumed; ${result.heldBack} held-back finding(s) run at the next pass`
          : "execution was not paused",
      );
    });
}

/**
 * Lifts the pause. The engine never counted a paused step as a failure, so the findings it held
 * back are only made due at the next pass, their `EXECUTION_PAUSED` reason cleared so that
 * `status` no longer says they are paused.
 */
async function resume(
  closeloop: Closeloop,
): Promise<{ wasPaused: boolean; heldBack: number }> {
  const wasPaused = closeloop.pause.resume();
  const { store } = closeloop;
  const held = (await store.listFindings()).filter(
    (f) => f.reason === PAUSED_REASON,
  );
  const at = new Date().toISOString();
  for (const record of held) {
    await store.updateFinding(
      record.fingerprint,
      { reason: null, dueAt: at },
      at,
    );
  }
  return { wasPaused, heldBack: held.length };
}
