import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseDocument } from "yaml";
import { parseConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";

export interface DemoRuntime {
  servicenowUrl: string;
  postgresPort: number;
  dataDir: string;
}

export const DEMO_CONFIG_FILE = join("config", "demo.yaml");

/**
 * config/demo.yaml with what only exists while the demo runs (ports, the data directory), then
 * validated like any configuration file. Secrets stay references, resolved from `env`.
 */
export function loadDemoConfig(
  packageRoot: string,
  env: NodeJS.ProcessEnv,
  runtime: DemoRuntime,
): Config {
  const path = join(packageRoot, DEMO_CONFIG_FILE);
  const document = parseDocument(readFileSync(path, "utf8"));

  document.set("dataDir", runtime.dataDir);
  document.setIn(["itsm", 0, "baseUrl"], runtime.servicenowUrl);
  document.setIn(["targets", 0, "port"], runtime.postgresPort);

  return parseConfig(document.toString(), path, env, {
    baseDir: dirname(path),
  });
}
