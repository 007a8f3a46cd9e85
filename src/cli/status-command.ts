import type { Command } from "commander";
import type { PauseState } from "../container/index.js";
import type { FindingStatusRow } from "../engine/types.js";
import { withCloseloop } from "./container.js";
import type { CliIo, CliOutcome } from "./io.js";
import { configPathFrom, writeJsonLine, writeLine } from "./io.js";

export function registerStatusCommand(
  program: Command,
  io: CliIo,
  _outcome: CliOutcome,
): void {
  program
    .command("status")
    .description("each finding's state, ticket(s), last step and reason")
    .option("--json", "one JSON object a finding, a line", false)
    .option("--config <file>", "configuration file")
    .action(async (options: { json: boolean; config?: string }) => {
      const { rows, paused } = await withCloseloop(
        configPathFrom(options.config, io.env),
        io,
        async (closeloop) => ({
          rows: await closeloop.engine.status(),
          paused: closeloop.pause.state(),
        }),
      );

      if (options.json) {
        // Rows stay one finding a line; the pause shows on each (nothing of it runs).
        const flag = paused === null ? {} : { paused: true };
        for (const row of rows) writeJsonLine(io, { ...row, ...flag });
        if (paused !== null && rows.length === 0) {
          writeLine((t) => io.err(t), pausedLine(paused));
        }
        return;
      }
      if (paused !== null) writeLine((t) => io.out(t), pausedLine(paused));
      if (rows.length === 0) {
        writeLine((t) => io.out(t), "no findings yet (closeloop ingest FILE)");
        return;
      }
      for (const line of formatStatusTable(rows))
        writeLine((t) => io.out(t), line);
    });
}

function pausedLine(paused: PauseState): string {
  const why = paused.reason === null ? "" : ` (${paused.reason})`;
  return `execution: paused since ${paused.since}${why}; closeloop resume lifts it`;
}

/** A plain table: fingerprint, state, tickets, last step (with its time) and reason. */
export function formatStatusTable(rows: FindingStatusRow[]): string[] {
  const cells = rows.map((row) => [
    row.fingerprint.slice(0, 12),
    row.state,
    row.tickets.map((t) => `${t.instance}:${t.key ?? "(pending)"}`).join(" ") ||
      "-",
    row.lastStep === null
      ? "-"
      : `${row.lastStep} ${row.lastStepAt ?? ""}`.trim(),
    row.reason ?? "",
  ]);
  const header = ["FINDING", "STATE", "TICKETS", "LAST STEP", "REASON"];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)),
  );
  const line = (c: string[]): string =>
    c
      .map((cell, i) =>
        i === c.length - 1 ? cell : cell.padEnd(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(header), ...cells.map(line)];
}
