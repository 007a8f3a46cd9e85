import type { DependencyContainer } from "tsyringe";
import type { Config } from "../config/schema.js";
import type { Engine } from "../engine/engine.js";
import type { HealthTracker } from "../http/health.js";
import type { Metrics } from "../http/metrics.js";
import type { Logger } from "../logging/logger.js";
import type { Store } from "../store/types.js";
import {
  createContainer,
  resolve,
  type ContainerDeps,
} from "./create-container.js";
import { loadAdapters } from "./adapters.js";
import type { FilePause } from "./pause.js";
import { TOKENS } from "./tokens.js";

export interface Closeloop {
  container: DependencyContainer;
  config: Config;
  engine: Engine;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  health: HealthTracker;
  /** The global stop switch every target action reads. */
  pause: FilePause;
  close(): Promise<void>;
}

/**
 * The container with its store migrated and the engine built: what a command needs to work.
 * Bad input (a mapping, a secret reference) surfaces here, before any work starts.
 */
export async function openCloseloop(
  config: Config,
  deps: ContainerDeps,
): Promise<Closeloop> {
  if (deps.storeOnly !== true) await loadAdapters(config);
  const container = createContainer(config, deps);
  const store = resolve(container, TOKENS.store);
  await store.migrate();

  return {
    container,
    config,
    engine: resolve(container, TOKENS.engine),
    store,
    logger: resolve(container, TOKENS.logger),
    metrics: resolve(container, TOKENS.metrics),
    health: resolve(container, TOKENS.health),
    pause: resolve(container, TOKENS.pause),
    close: async () => {
      await store.close();
      await container.dispose();
    },
  };
}
