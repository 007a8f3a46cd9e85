// tsyringe refuses to load without a Reflect metadata polyfill, even when only factories are used.
import "reflect-metadata";
import { container as rootContainer, instanceCachingFactory } from "tsyringe";
import type { DependencyContainer } from "tsyringe";
import {
  routeFor,
  routeUnresolvedFor,
  unresolvedKinds,
} from "../config/routing.js";
import type { Config } from "../config/schema.js";
import { resolveConfigSecrets } from "../config/secrets.js";
import { describeSecretRef, resolveSecretRef } from "../config/secret-ref.js";
import { Custody, parseCustodyKey } from "../custody/custody.js";
import type { StepEvent } from "../engine/types.js";
import { Engine } from "../engine/engine.js";
import { EvidenceSigner } from "../evidence/signer.js";
import { HealthTracker, type ComponentState } from "../http/health.js";
import { Metrics } from "../http/metrics.js";
import { resolveIdentity, resolveOwner } from "../identity/index.js";
import type { MatchableTarget } from "../identity/index.js";
import type { ItsmKind } from "../itsm/types.js";
import type { Logger } from "../logging/logger.js";
import { RedactionSet } from "../logging/redaction-set.js";
import { createWinstonLogger } from "../logging/winston-logger.js";
import { renderPlanText } from "../mapping/plan-text.js";
import { createMappingRenderer } from "../mapping/renderer.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import { guardTarget } from "../targets/guard/index.js";
import { createItsmAdapter, createTargetAdapter } from "./adapters.js";
import { FilePause } from "./pause.js";
import { TOKENS, type Token } from "./tokens.js";

export interface ContainerDeps {
  /** The only place env is read from; the CLI passes `process.env`. */
  env: NodeJS.ProcessEnv;
  /** Where log lines go (standard output by default). */
  logStream?: NodeJS.WritableStream;
  /** Replaces the winston logger, e.g. a memory logger in tests. */
  logger?: Logger;
  clock?: () => Date;
  onStep?: (event: StepEvent) => void;
  /** The container to derive from; tsyringe's global one by default, never registered into. */
  parent?: DependencyContainer;
  /**
   * For a command that only reads reports into the store (`ingest FILE`): openCloseloop loads no
   * ITSM or target adapter, and the engine's adapters stay unbuilt unless asked for.
   */
  storeOnly?: boolean;
}

/** Resolves a typed token. */
export function resolve<T>(container: DependencyContainer, token: Token<T>): T {
  return container.resolve<T>(token);
}

/** Registers a factory whose result is made once per container. */
export function provide<T>(
  container: DependencyContainer,
  token: Token<T>,
  factory: (c: DependencyContainer) => T,
): void {
  container.register<T>(token, {
    useFactory: instanceCachingFactory<T>(factory),
  });
}

/**
 * The composition root. Everything is a factory in a child container of its own, so two
 * containers (two tests) never share a store, a logger or a metric. Nothing is built until it is
 * resolved; a caller may `provide` a replacement for any token before resolving.
 */
export function createContainer(
  config: Config,
  deps: ContainerDeps,
): DependencyContainer {
  const c = (deps.parent ?? rootContainer).createChildContainer();
  const get = <T>(token: Token<T>) => resolve(c, token);

  c.register(TOKENS.config, { useValue: config });
  c.register(TOKENS.env, { useValue: deps.env });
  c.register(TOKENS.clock, { useValue: deps.clock ?? (() => new Date()) });
  c.register(TOKENS.onStep, { useValue: deps.onStep ?? (() => undefined) });

  provide(c, TOKENS.redactions, () => {
    const redactions = new RedactionSet();
    redactions.add(...resolveConfigSecrets(config, deps.env).values);
    return redactions;
  });
  provide(c, TOKENS.logger, () => {
    if (deps.logger !== undefined) return deps.logger;
    const redactions = get(TOKENS.redactions);
    return createWinstonLogger({
      level: config.log.level,
      format: config.log.format,
      ...(deps.logStream === undefined ? {} : { stream: deps.logStream }),
      redactValues: () => redactions.values(),
    });
  });
  provide(c, TOKENS.metrics, () => new Metrics());
  provide(c, TOKENS.health, () => new HealthTracker(get(TOKENS.clock)));

  provide(c, TOKENS.store, () => SqliteStore.inDataDir(config.dataDir));
  provide(c, TOKENS.custody, () => {
    // Errors name the config path and the variable or file, not just "the custody key".
    const key = (ref: Config["custody"]["key"], where: string) =>
      parseCustodyKey(
        resolveSecretRef(ref, where, deps.env).reveal(),
        describeSecretRef(ref, where),
      );
    return new Custody([
      key(config.custody.key, "custody.key"),
      ...config.custody.previousKeys.map((ref, i) =>
        key(ref, `custody.previousKeys[${i}]`),
      ),
    ]);
  });
  provide(c, TOKENS.evidenceSigner, () =>
    EvidenceSigner.loadOrCreate(config.dataDir),
  );
  provide(c, TOKENS.mappingRenderer, () =>
    createMappingRenderer(config.mappingsDir, {
      require: [
        ...new Set<ItsmKind>(config.itsm.map((instance) => instance.kind)),
      ],
      requireManual: unresolvedKinds(config),
    }),
  );

  provide(c, TOKENS.itsmAdapters, () => {
    const adapterDeps = {
      logger: get(TOKENS.logger),
      env: deps.env,
      now: get(TOKENS.clock),
      metrics: get(TOKENS.metrics),
    };
    const health = get(TOKENS.health);
    return config.itsm.map((instance) => {
      const adapter = createItsmAdapter(instance, adapterDeps);
      const source = healthOf(adapter);
      if (source === null) health.register("itsm", instance.id);
      else health.watch("itsm", instance.id, source);
      return adapter;
    });
  });
  provide(
    c,
    TOKENS.pause,
    () => new FilePause(config.dataDir, get(TOKENS.clock)),
  );
  provide(c, TOKENS.targetAdapters, () => {
    const adapterDeps = {
      logger: get(TOKENS.logger),
      env: deps.env,
      now: get(TOKENS.clock),
    };
    const pause = get(TOKENS.pause);
    return config.targets.map((target) =>
      guardTarget(createTargetAdapter(target, adapterDeps), {
        maxConcurrent: target.concurrency,
        breaker: target.breaker,
        pause,
        now: get(TOKENS.clock),
      }),
    );
  });

  provide(c, TOKENS.resolveIdentity, () => {
    const targets = config.targets as MatchableTarget[];
    return (finding) => {
      const resolution = resolveIdentity(finding, targets);
      if (!resolution.ok) {
        // Ownership needs no target (a path rule, CODEOWNERS): it routes a manual ticket.
        const owner = resolveOwner(finding, null, config.ownership);
        if (owner === null) return resolution;
        return { ok: false, unresolved: { ...resolution.unresolved, owner } };
      }
      const owner = resolveOwner(
        finding,
        resolution.identity,
        config.ownership,
      );
      if (owner === null) return resolution;
      return { ok: true, identity: { ...resolution.identity, owner } };
    };
  });
  // The whole route: a rule's Jira project travels with it to the Jira ticket's draft.
  provide(c, TOKENS.route, () => routeFor(config.routing));

  provide(
    c,
    TOKENS.engine,
    () =>
      new Engine({
        store: get(TOKENS.store),
        // Built when first asked for: ingesting a report never asks.
        get itsms() {
          return get(TOKENS.itsmAdapters);
        },
        get targets() {
          return get(TOKENS.targetAdapters);
        },
        resolve: get(TOKENS.resolveIdentity),
        route: get(TOKENS.route),
        routeUnresolved: routeUnresolvedFor(config.routing),
        renderer: get(TOKENS.mappingRenderer),
        planText: renderPlanText,
        custody: get(TOKENS.custody),
        evidence: get(TOKENS.evidenceSigner),
        clock: get(TOKENS.clock),
        logger: get(TOKENS.logger),
        onStep: get(TOKENS.onStep),
        metrics: get(TOKENS.metrics),
        // The same switch the target guards read: the engine holds off before journaling.
        pause: get(TOKENS.pause),
        policy: {
          ticketLostPolicy: config.policy.ticketLost,
          ...(config.policy.allowedApprovalGroups === undefined
            ? {}
            : { allowedApprovalGroups: config.policy.allowedApprovalGroups }),
        },
      }),
  );

  return c;
}

/** A ServiceNow adapter knows whether its instance sleeps (`health()`); others report nothing. */
function healthOf(
  adapter: object,
): (() => { state: ComponentState; since?: string }) | null {
  if (!("health" in adapter) || typeof adapter.health !== "function")
    return null;
  const read = adapter.health as () => {
    state: ComponentState;
    since?: string;
  };
  return () => read.call(adapter);
}
