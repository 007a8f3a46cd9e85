import { InputError } from "../domain/errors.js";
import type { ItsmKind } from "../itsm/types.js";
import { createMappingRenderer } from "../mapping/renderer.js";
import { loadConfig } from "./load.js";
import { unresolvedKinds } from "./routing.js";
import type { Config } from "./schema.js";
import type { ConfigProblem } from "./secrets.js";
import { GITHUB_WEBHOOK_PATH, itsmWebhookPath } from "./webhooks.js";

export interface ConfigSummary {
  dataDir: string;
  mappingsDir: string;
  itsm: { id: string; kind: string }[];
  targets: { id: string; kind: string }[];
  routingRules: number;
  http: { host: string; port: number };
  sources: { id: string; kind: string }[];
  /** The webhook routes `closeloop run` mounts. */
  webhooks: string[];
}

export type ConfigCheck =
  | { ok: true; summary: ConfigSummary }
  | { ok: false; problems: ConfigProblem[] };

/**
 * What `closeloop config check` reports: the configuration and the mappings it uses, every
 * problem with its path. Only bad input becomes a problem; anything else is thrown.
 */
export function checkConfig(path: string, env: NodeJS.ProcessEnv): ConfigCheck {
  let config: Config;
  try {
    config = loadConfig(path, env);
  } catch (error) {
    return { ok: false, problems: problemsOf(error, path) };
  }

  const kinds = [
    ...new Set(config.itsm.map((instance) => instance.kind)),
  ] as ItsmKind[];
  try {
    createMappingRenderer(config.mappingsDir, {
      require: kinds,
      requireManual: unresolvedKinds(config),
    });
  } catch (error) {
    return { ok: false, problems: problemsOf(error, config.mappingsDir) };
  }

  return { ok: true, summary: summarise(config) };
}

function problemsOf(error: unknown, where: string): ConfigProblem[] {
  if (!(error instanceof InputError)) throw error;
  const listed = error.details["problems"];
  if (!Array.isArray(listed)) {
    // The message starts with the path already; say it once.
    const message = error.message.startsWith(`${where}: `)
      ? error.message.slice(where.length + 2)
      : error.message;
    return [{ path: where, message }];
  }

  const file =
    typeof error.details["file"] === "string" ? error.details["file"] : null;
  return (listed as { path?: string; field?: string; message: string }[]).map(
    (p) => ({
      path:
        file === null ? (p.path ?? where) : `${file}: fields.${p.field ?? ""}`,
      message: p.message,
    }),
  );
}

function summarise(config: Config): ConfigSummary {
  return {
    dataDir: config.dataDir,
    mappingsDir: config.mappingsDir,
    itsm: config.itsm.map(({ id, kind }) => ({ id, kind })),
    targets: config.targets.map(({ id, kind }) => ({ id, kind })),
    routingRules: config.routing.rules.length,
    http: { host: config.http.host, port: config.http.port },
    sources: config.sources.map(({ id, kind }) => ({ id, kind })),
    webhooks: webhookPaths(config),
  };
}

function webhookPaths(config: Config): string[] {
  const hooks = config.http.webhooks;
  if (hooks === undefined) return [];
  const kindOf = new Map(config.itsm.map((i) => [i.id, i.kind]));
  const paths = Object.keys(hooks.itsm).map((id) =>
    itsmWebhookPath(kindOf.get(id) ?? "?", id),
  );
  if (hooks.github !== undefined) paths.push(GITHUB_WEBHOOK_PATH);
  return paths;
}
