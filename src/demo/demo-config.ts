import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseDocument } from "yaml";
import { parseConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";

/** The postgres scenario's; the others have `config/demo-<scenario>.yaml`. */
export const DEMO_CONFIG_FILE = join("config", "demo.yaml");

/** A value only known while the demo runs, and where it goes in the YAML document. */
export type ConfigSetting = [path: (string | number)[], value: unknown];

/**
 * One scenario's configuration file (`config/demo-<scenario>.yaml`) with the runtime values set
 * at their paths, validated like any configuration file. Setting paths that the file does not
 * hold is a mistake in the scenario, and the schema says so.
 */
export function loadScenarioConfig(
  packageRoot: string,
  file: string,
  env: NodeJS.ProcessEnv,
  settings: ConfigSetting[],
): Config {
  const path = join(packageRoot, file);
  const document = parseDocument(readFileSync(path, "utf8"));

  for (const [at, value] of settings) document.setIn(at, value);

  return parseConfig(document.toString(), path, env, {
    baseDir: dirname(path),
  });
}
