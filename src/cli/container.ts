import { Writable } from "node:stream";
import { loadConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { openCloseloop } from "../container/index.js";
import type { Closeloop, ContainerDeps } from "../container/index.js";
import type { CliIo } from "./io.js";

/**
 * Loads the configuration and opens closeloop (store migrated, engine built) for one command,
 * and closes it again whatever the work did. Log lines go to standard error, so that a command's
 * own output (JSON lines) stays clean on standard output.
 */
export async function withCloseloop<T>(
  configPath: string,
  io: CliIo,
  work: (closeloop: Closeloop) => Promise<T>,
  extra: Partial<Pick<ContainerDeps, "onStep" | "logger" | "storeOnly">> = {},
): Promise<T> {
  const config: Config = loadConfig(configPath, io.env);
  const closeloop = await openCloseloop(config, {
    env: io.env,
    logStream: new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        io.err(String(chunk));
        done();
      },
    }),
    ...extra,
  });
  try {
    return await work(closeloop);
  } finally {
    await closeloop.close();
  }
}
