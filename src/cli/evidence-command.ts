import { statSync, writeFileSync } from "node:fs";
import { dirname, resolve as resolvePath } from "node:path";
import type { Command } from "commander";
import { TOKENS, resolve } from "../container/index.js";
import { InputError } from "../domain/errors.js";
import { exportEvidence } from "../evidence/export.js";
import { withCloseloop } from "./container.js";
import type { CliIo, CliOutcome } from "./io.js";
import { configPathFrom, writeLine } from "./io.js";
import { createTarGz } from "./tar.js";

interface ExportOptions {
  from?: string;
  to?: string;
  out?: string;
  config?: string;
}

export function registerEvidenceCommand(
  program: Command,
  io: CliIo,
  _outcome: CliOutcome,
): void {
  const evidence = program
    .command("evidence")
    .description("the evidence closeloop attached, for compliance");

  evidence
    .command("export")
    .description("write the evidence of a period as one .tar.gz with an index")
    .option("--from <iso>", "earliest evidence time (ISO-8601)")
    .option(
      "--to <iso>",
      "latest evidence time (ISO-8601; a date alone: to its end)",
    )
    .option("--out <file>", "the archive to write", "closeloop-evidence.tar.gz")
    .option("--config <file>", "configuration file")
    .action(async (options: ExportOptions) => {
      const range = {
        ...(options.from === undefined
          ? {}
          : { from: isoOption("--from", options.from) }),
        ...(options.to === undefined
          ? {}
          : { to: endOfDay(options.to, isoOption("--to", options.to)) }),
      };
      checkRange(range, options);
      const outOption = options.out ?? "closeloop-evidence.tar.gz";
      const out = resolvePath(io.cwd, outOption);
      checkOutDir(outOption, out);

      const count = await withCloseloop(
        configPathFrom(options.config, io.env),
        io,
        async (closeloop) => {
          const exported = await exportEvidence(closeloop.store, range);
          const signer = resolve(closeloop.container, TOKENS.evidenceSigner);
          const now = new Date();
          const entries = [
            { name: "index.json", bytes: json(exported.index), mtime: now },
            {
              name: "public-key.pem",
              bytes: Buffer.from(signer.publicKeyPem()),
              mtime: now,
            },
            ...exported.documents.flatMap((doc) => [
              {
                name: `evidence/${doc.fileName}`,
                bytes: doc.bytes,
                mtime: now,
              },
              {
                name: `evidence/${doc.fileName}.summary.txt`,
                bytes: Buffer.from(doc.summary),
                mtime: now,
              },
            ]),
          ];
          writeOut(outOption, out, createTarGz(entries));
          return exported.index.count;
        },
      );
      writeLine(
        (t) => io.out(t),
        `${out}: ${count} evidence document(s) and an index`,
      );
    });

  evidence
    .command("public-key")
    .description(
      "print the public key (PEM) that checks the evidence signatures",
    )
    .option("--config <file>", "configuration file")
    .action(async (options: { config?: string }) => {
      const pem = await withCloseloop(
        configPathFrom(options.config, io.env),
        io,
        (closeloop) =>
          Promise.resolve(
            resolve(closeloop.container, TOKENS.evidenceSigner).publicKeyPem(),
          ),
      );
      io.out(pem.endsWith("\n") ? pem : `${pem}\n`);
    });
}

/** A date, or a date and a time, as ISO-8601 writes it; `Date.parse` alone takes "12" as 2001. */
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export function isoOption(name: string, value: string): string {
  const time = Date.parse(value);
  const parts = ISO_DATE.exec(value);
  if (Number.isNaN(time) || parts === null || !isCalendarDate(parts)) {
    throw new InputError(
      "BAD_OPTION",
      `${name} ${value}: not a date; give ISO-8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z`,
      { details: { option: name } },
    );
  }
  return new Date(time).toISOString();
}

/** `--to 2026-01-31` means the whole of that day (UTC), not its first instant. */
export function endOfDay(value: string, iso: string): string {
  if (value.includes("T")) return iso;
  return new Date(Date.parse(iso) + 86_400_000 - 1).toISOString();
}

/** 2026-02-31 parses (as March 3rd); a person who typed it meant something else. */
function isCalendarDate(parts: RegExpExecArray): boolean {
  const [, year, month, day] = parts.map(Number);
  const date = new Date(Date.UTC(year ?? 0, (month ?? 0) - 1, day ?? 0));
  return date.getUTCMonth() === (month ?? 0) - 1 && date.getUTCDate() === day;
}

function checkRange(
  range: { from?: string; to?: string },
  given: ExportOptions,
): void {
  if (range.from === undefined || range.to === undefined) return;
  if (range.from <= range.to) return;
  throw new InputError(
    "BAD_OPTION",
    `--from ${given.from ?? range.from} is after --to ${given.to ?? range.to}: ` +
      "the period is empty; give the earlier date to --from",
    { details: { option: "--from" } },
  );
}

/** Refuses an --out whose folder is missing before any work is done. */
function checkOutDir(option: string, out: string): void {
  const dir = dirname(out);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (isDir) return;
  throw new InputError(
    "BAD_OPTION",
    `cannot write --out ${option}: the directory does not exist`,
    { details: { option: "--out", dir } },
  );
}

/** Writes the archive; a path the user gave that cannot be written is bad input, not a failure. */
function writeOut(option: string, out: string, bytes: Buffer): void {
  try {
    writeFileSync(out, bytes);
  } catch (cause) {
    const code =
      cause instanceof Error && "code" in cause ? String(cause.code) : "";
    const reason = OUT_REASONS[code];
    if (reason === undefined) throw cause;
    throw new InputError(
      "BAD_OPTION",
      `cannot write --out ${option}: ${reason}`,
      {
        cause,
        details: { option: "--out" },
      },
    );
  }
}

const OUT_REASONS: Record<string, string> = {
  ENOENT: "the directory does not exist",
  ENOTDIR: "the directory does not exist",
  EISDIR: "it is a directory; give a file name",
  EACCES: "permission denied",
  EROFS: "the file system is read-only",
};

function json(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
}
