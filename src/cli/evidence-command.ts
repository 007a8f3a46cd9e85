import { writeFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
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
    .option("--to <iso>", "latest evidence time (ISO-8601)")
    .option("--out <file>", "the archive to write", "closeloop-evidence.tar.gz")
    .option("--config <file>", "configuration file")
    .action(async (options: ExportOptions) => {
      const range = {
        ...(options.from === undefined
          ? {}
          : { from: isoOption("--from", options.from) }),
        ...(options.to === undefined
          ? {}
          : { to: isoOption("--to", options.to) }),
      };
      const out = resolvePath(
        io.cwd,
        options.out ?? "closeloop-evidence.tar.gz",
      );

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
          writeFileSync(out, createTarGz(entries));
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

function isoOption(name: string, value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new InputError(
      "BAD_OPTION",
      `${name} ${value}: not a date; give ISO-8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z`,
    );
  }
  return new Date(time).toISOString();
}

function json(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
}
