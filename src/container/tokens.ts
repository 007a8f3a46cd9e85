import type { InjectionToken } from "tsyringe";
import type { Config } from "../config/schema.js";
import type { Custody } from "../custody/custody.js";
import type { Finding } from "../domain/finding.js";
import type { Identity, Resolution } from "../domain/identity.js";
import type { Engine } from "../engine/engine.js";
import type { EngineRoute, StepEvent } from "../engine/types.js";
import type { EvidenceSigner } from "../evidence/signer.js";
import type { HealthTracker } from "../http/health.js";
import type { Metrics } from "../http/metrics.js";
import type { ItsmAdapter } from "../itsm/types.js";
import type { Logger } from "../logging/logger.js";
import type { RedactionSet } from "../logging/redaction-set.js";
import type { TicketFieldsRenderer } from "../mapping/types.js";
import type { Store } from "../store/types.js";
import type { TargetAdapter } from "../targets/types.js";
import type { FilePause } from "./pause.js";

/**
 * A tsyringe token that remembers the type it resolves to. tsyringe's own `InjectionToken` for a
 * symbol carries no type, and type-based injection needs decorator metadata that esbuild (and so
 * vitest) never emits (style-anchors §6): every registration here is a factory under a token.
 */
export type Token<T> = InjectionToken<T> & { readonly __resolves?: T };

const token = <T>(name: string): Token<T> => Symbol(`closeloop.${name}`);

export const TOKENS = {
  config: token<Config>("config"),
  env: token<NodeJS.ProcessEnv>("env"),
  clock: token<() => Date>("clock"),
  redactions: token<RedactionSet>("redactions"),
  logger: token<Logger>("logger"),
  metrics: token<Metrics>("metrics"),
  health: token<HealthTracker>("health"),
  store: token<Store>("store"),
  custody: token<Custody>("custody"),
  evidenceSigner: token<EvidenceSigner>("evidenceSigner"),
  mappingRenderer: token<TicketFieldsRenderer>("mappingRenderer"),
  itsmAdapters: token<ItsmAdapter[]>("itsmAdapters"),
  pause: token<FilePause>("pause"),
  /** Every target wrapped in its guard (pause, concurrency, circuit breaker). */
  targetAdapters: token<TargetAdapter[]>("targetAdapters"),
  resolveIdentity: token<(finding: Finding) => Resolution>("resolveIdentity"),
  route:
    token<
      (finding: Finding, identity: Identity | null) => string[] | EngineRoute
    >("route"),
  onStep: token<(event: StepEvent) => void>("onStep"),
  engine: token<Engine>("engine"),
} as const;
