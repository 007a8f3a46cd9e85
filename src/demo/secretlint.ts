import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { z } from "zod";
import { CloseloopError } from "../domain/errors.js";

const packageSchema = z.object({
  bin: z.union([z.string(), z.record(z.string(), z.string())]),
});

/** The secretlint CLI script of the installed package, found the way Node resolves it. */
export function resolveSecretlintBin(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve("secretlint/package.json");
  const manifest = packageSchema.parse(
    JSON.parse(readFileSync(manifestPath, "utf8")),
  );
  const bin =
    typeof manifest.bin === "string" ? manifest.bin : manifest.bin.secretlint;
  if (bin === undefined) {
    throw new CloseloopError(
      "DEMO_SCANNER_MISSING",
      `secretlint's package.json at ${manifestPath} names no "secretlint" bin`,
    );
  }
  return join(dirname(manifestPath), bin);
}

export interface SecretlintRun {
  sarifPath: string;
  /** secretlint exits 1 when it found something, 0 when the project is clean. */
  foundSecrets: boolean;
}

/**
 * Scans `projectDir` with secretlint's recommended preset (the project's .secretlintrc.json) and
 * writes SARIF to `sarifPath`. secretlint masks the secret in its messages; ingest reads the
 * region back from the file itself.
 */
export async function runSecretlint(
  projectDir: string,
  sarifPath: string,
  signal?: AbortSignal,
): Promise<SecretlintRun> {
  const args = [
    resolveSecretlintBin(),
    "**/*",
    "--format",
    "@secretlint/secretlint-formatter-sarif",
    "--output",
    sarifPath,
    "--no-color",
  ];

  const { code, stderr } = await spawnNode(args, projectDir, signal);
  if (code === 0 || code === 1) return { sarifPath, foundSecrets: code === 1 };
  throw new CloseloopError(
    "DEMO_SCANNER_FAILED",
    `secretlint exited with ${String(code)}: ${stderr.trim().slice(0, 500)}`,
  );
}

function spawnNode(
  args: string[],
  cwd: string,
  signal?: AbortSignal,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      stdio: ["ignore", "ignore", "pipe"],
      ...(signal === undefined ? {} : { signal }),
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}
