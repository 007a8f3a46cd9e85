import type { Config } from "../config/schema.js";
import {
  createContainer,
  provide,
  resolve,
  TOKENS,
  type ContainerDeps,
} from "../container/index.js";
import type { Custody } from "../custody/custody.js";
import type { SecretValue } from "../domain/secret.js";
import type { Engine } from "../engine/engine.js";
import type { Store } from "../store/types.js";
import type { TargetAdapter } from "../targets/types.js";

export interface DemoCloseloop {
  engine: Engine;
  store: Store;
  close(): Promise<void>;
}

/**
 * closeloop's container with one difference: a target's `execute` receives the leaked value from
 * custody, as `verify` already does. Revoking a GitHub token (`POST /credentials/revoke`) or a
 * Salesforce token (`/services/oauth2/revoke`) takes the token itself, but the engine's execute
 * step passes `secret: null` today, so those actions answer SECRET_NOT_IN_CUSTODY. Once the engine
 * hands the secret over, the wrapper passes it through unchanged.
 */
export async function openWithSecretOnExecute(
  config: Config,
  deps: ContainerDeps,
): Promise<DemoCloseloop> {
  const container = createContainer(config, deps);
  const store = resolve(container, TOKENS.store);
  const custody = resolve(container, TOKENS.custody);
  const targets = resolve(container, TOKENS.targetAdapters);
  const secretOf = (fingerprint: string) =>
    openSecret(store, custody, fingerprint);
  // The last registration of a token wins; the engine is resolved after it, so it gets these.
  provide(container, TOKENS.targetAdapters, () =>
    targets.map((target) => handSecretToExecute(target, secretOf)),
  );
  await store.migrate();

  return {
    engine: resolve(container, TOKENS.engine),
    store,
    close: async () => {
      await store.close();
      await container.dispose();
    },
  };
}

async function openSecret(
  store: Store,
  custody: Custody,
  fingerprint: string,
): Promise<SecretValue | null> {
  const sealed = await store.getSecret(fingerprint);
  return sealed === null ? null : custody.open(sealed, fingerprint);
}

function handSecretToExecute(
  target: TargetAdapter,
  secretOf: (fingerprint: string) => Promise<SecretValue | null>,
): TargetAdapter {
  const undo = target.undo?.bind(target);
  return {
    kind: target.kind,
    id: target.id,
    plan: (identity, finding) => target.plan(identity, finding),
    execute: async (action, ctx) =>
      target.execute(
        action,
        ctx.secret !== null
          ? ctx
          : { ...ctx, secret: await secretOf(ctx.finding.fingerprint) },
      ),
    verify: (plan, ctx) => target.verify(plan, ctx),
    ...(undo === undefined ? {} : { undo }),
  };
}
