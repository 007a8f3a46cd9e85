import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { InputError } from "../domain/errors.js";
import { configSchema, type Config } from "./schema.js";
import {
  anchorSecretFiles,
  formatPath,
  resolveConfigSecrets,
  type ConfigProblem,
} from "./secrets.js";

export interface ParseConfigOptions {
  /** Relative paths (dataDir, mappingsDir, secret files) resolve from here; the cwd if unset. */
  baseDir?: string;
  /** Check every secret reference resolves now (default true). */
  checkSecrets?: boolean;
}

const CONFIG_HOW =
  "give --config FILE or set CLOSELOOP_CONFIG; config/example.yaml is one to start from";

/** Reads the one configuration file. Env is read only through `env`. */
export function loadConfig(path: string, env: NodeJS.ProcessEnv): Config {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new InputError(
      "CONFIG_NOT_FOUND",
      `${path}: ${unreadableReason(cause)}; ${CONFIG_HOW}`,
      {
        cause,
        details: { path },
      },
    );
  }
  return parseConfig(text, path, env, { baseDir: dirname(resolve(path)) });
}

function unreadableReason(cause: unknown): string {
  const code =
    cause instanceof Error && "code" in cause ? String(cause.code) : "";
  if (code === "ENOENT") return "the configuration file does not exist";
  if (code === "EISDIR") return "is a directory, not a configuration file";
  return `cannot read configuration file${code === "" ? "" : ` (${code})`}`;
}

/**
 * Validates a configuration text. An invalid one throws one `InputError` (CONFIG_INVALID) that
 * lists every problem with its path; the value at a path is never echoed (it may be a secret).
 */
export function parseConfig(
  yamlText: string,
  sourceName: string,
  env: NodeJS.ProcessEnv,
  options: ParseConfigOptions = {},
): Config {
  const problems: ConfigProblem[] = [];
  const lines = new LineCounter();
  const document = parseDocument(yamlText, {
    prettyErrors: false,
    lineCounter: lines,
  });
  for (const error of document.errors) {
    const { line, col } = lines.linePos(error.pos[0]);
    problems.push({
      path: `${sourceName}:${line}:${col}`,
      message: `${error.message} (${error.code})`,
    });
  }
  if (problems.length > 0) throw configError(sourceName, problems);

  const parsed = configSchema.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ path: formatPath(issue.path), message: issue.message });
    }
    throw configError(sourceName, problems);
  }

  const config = parsed.data;
  const baseDir = options.baseDir ?? process.cwd();
  config.dataDir = resolve(baseDir, config.dataDir);
  config.mappingsDir = resolve(baseDir, config.mappingsDir);
  anchorSecretFiles(config, baseDir);

  if (options.checkSecrets ?? true) {
    problems.push(...resolveConfigSecrets(config, env).problems);
  }
  if (problems.length > 0) throw configError(sourceName, problems);
  return config;
}

export function configError(
  sourceName: string,
  problems: ConfigProblem[],
): InputError {
  const list = problems.map((p) => `  ${p.path}: ${p.message}`).join("\n");
  const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
  return new InputError(
    "CONFIG_INVALID",
    `${sourceName}: invalid configuration (${count}):\n${list}`,
    { details: { source: sourceName, problems } },
  );
}
