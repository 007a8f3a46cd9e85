import type { Config } from "../config/schema.js";
import { routeFinding } from "../config/routing.js";
import { resolveSecretRef } from "../config/secret-ref.js";
import { CloseloopError } from "../domain/errors.js";
import { createCustody } from "../custody/custody.js";
import { Engine } from "../engine/engine.js";
import type { StepEvent } from "../engine/types.js";
import { EvidenceSigner } from "../evidence/signer.js";
import { resolveIdentity, resolveOwner } from "../identity/index.js";
import type { MatchableTarget, Ownership } from "../identity/index.js";
import type { ItsmAdapter } from "../itsm/types.js";
import { createServiceNowAdapter } from "../itsm/servicenow/index.js";
import type { Logger } from "../logging/logger.js";
import { renderPlanText } from "../mapping/plan-text.js";
import { createMappingRenderer } from "../mapping/renderer.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import { createPostgresTarget } from "../targets/postgres/index.js";
import type { TargetAdapter } from "../targets/types.js";

export interface DemoLoop {
  engine: Engine;
  store: SqliteStore;
  signer: EvidenceSigner;
  close(): Promise<void>;
}

/**
 * closeloop's engine wired from a configuration, for the demo: the SQLite store in the run's data
 * directory, the ServiceNow and PostgreSQL adapters the configuration names, a custody key from
 * `env` and an evidence signing key generated for this run only.
 */
export async function openDemoLoop(
  config: Config,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  onStep: (event: StepEvent) => void,
): Promise<DemoLoop> {
  const store = SqliteStore.inDataDir(config.dataDir);
  await store.migrate();

  const itsms: ItsmAdapter[] = config.itsm.map((instance) => {
    if (instance.kind === "servicenow") {
      return createServiceNowAdapter(instance, { logger, env });
    }
    throw new CloseloopError(
      "DEMO_UNSUPPORTED_ITSM",
      `the demo wires ServiceNow only, not ${instance.kind} (${instance.id})`,
    );
  });
  const targets: TargetAdapter[] = config.targets.map((target) => {
    if (target.kind === "postgres") {
      // `match` is the identity resolver's; the adapter's own schema is strict.
      const { match: _match, ...connection } = target;
      return createPostgresTarget(connection, { logger, env });
    }
    throw new CloseloopError(
      "DEMO_UNSUPPORTED_TARGET",
      `the demo wires PostgreSQL targets only, not ${target.kind} (${target.id})`,
    );
  });

  const matchable = config.targets as MatchableTarget[];
  const ownership: Ownership = config.ownership;
  const custodyKey = resolveSecretRef(config.custody.key, "custody.key", env);
  const signer = EvidenceSigner.generate();

  const engine = new Engine({
    store,
    itsms,
    targets,
    resolve: (finding) => {
      const resolution = resolveIdentity(finding, matchable);
      if (!resolution.ok) return resolution;
      const owner = resolveOwner(finding, resolution.identity, ownership);
      if (owner === null) return resolution;
      return { ok: true, identity: { ...resolution.identity, owner } };
    },
    route: routeFinding(config.routing),
    renderer: createMappingRenderer(config.mappingsDir, {
      require: [...new Set(config.itsm.map((instance) => instance.kind))],
    }),
    planText: renderPlanText,
    custody: createCustody({ current: custodyKey.reveal() }),
    evidence: signer,
    clock: () => new Date(),
    logger,
    onStep,
    policy: {
      ticketLostPolicy: config.policy.ticketLost,
      ...(config.policy.allowedApprovalGroups === undefined
        ? {}
        : { allowedApprovalGroups: config.policy.allowedApprovalGroups }),
    },
  });

  return { engine, store, signer, close: () => store.close() };
}
