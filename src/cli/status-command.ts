import type { Command } from "commander";
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
      const rows = await withCloseloop(
        configPathFrom(options.config, io.env),
        io,
        (closeloop) => closeloop.engine.status(),
      );

      if (options.json) {
        for (const row of rows) writeJsonLine(io, row);
        return;
      }
      if (rows.length === 0) {
        writeLine((t) => io.out(t), "no findings yet (closeloop ingest FILE)");
        return;
      }
      for (const line of formatStatusTable(rows))
        writeLine((t) => io.out(t), line);
    });
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
