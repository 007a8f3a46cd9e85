import type { Logger } from "../../logging/logger.js";
import type { Sleep } from "./probe-loop.js";

/** What every target factory receives besides its configuration. */
export interface TargetDeps {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  /** Injected so probes that wait (eventual consistency) run instantly in tests. */
  sleep?: Sleep;
  now?: () => Date;
}
