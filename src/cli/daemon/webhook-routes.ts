import { resolveSecretRef } from "../../config/secret-ref.js";
import { GITHUB_WEBHOOK_PATH, itsmWebhookPath } from "../../config/webhooks.js";
import type { Closeloop } from "../../container/index.js";
import { resolve, TOKENS } from "../../container/index.js";
import { InputError } from "../../domain/errors.js";
import type { Route } from "../../http/server.js";
import {
  createGithubAlertWebhookReceiver,
  createJiraWebhookReceiver,
  createServiceNowWebhookReceiver,
} from "../../http/webhooks/index.js";
import type { OnHint, WebhookHandler } from "../../http/webhooks/index.js";
import { fetchGithubAlert } from "../../ingest/pull/index.js";
import type { IngestRecord } from "../../ingest/types.js";

export interface WebhookRouteDeps {
  env: NodeJS.ProcessEnv;
  /** A verified ITSM delivery: the daemon re-reads that ticket soon (a pass). */
  onHint: OnHint;
  /** GitHub alerts, already stored; the daemon acts on them soon. */
  onIngested: (records: IngestRecord[]) => void;
}

/**
 * The receivers `http.webhooks` configures, as HTTP routes. Each checks its signature on the raw
 * bytes before anything else; a delivery only ever hints, the record is re-read before acting.
 */
export function webhookRoutes(
  closeloop: Closeloop,
  deps: WebhookRouteDeps,
): Route[] {
  const { config, logger } = closeloop;
  const webhooks = config.http.webhooks;
  if (webhooks === undefined) return [];
  const adapters = resolve(closeloop.container, TOKENS.itsmAdapters);
  const routes: Route[] = [];

  for (const [id, hook] of Object.entries(webhooks.itsm)) {
    const adapter = adapters.find((a) => a.instance === id);
    if (adapter === undefined) {
      throw new InputError(
        "CONFIG_INVALID",
        `http.webhooks.itsm.${id}: unknown ITSM instance`,
      );
    }
    const options = {
      instance: id,
      secret: resolveSecretRef(
        hook.secret,
        `http.webhooks.itsm.${id}.secret`,
        deps.env,
      ),
      ownUserId: () => adapter.ownUserId(),
      onHint: deps.onHint,
      logger,
      ...(hook.maxAgeMs === undefined ? {} : { maxAgeMs: hook.maxAgeMs }),
    };
    const handler: WebhookHandler =
      adapter.kind === "jira"
        ? createJiraWebhookReceiver(options)
        : createServiceNowWebhookReceiver(options);
    routes.push({
      method: "POST",
      path: itsmWebhookPath(adapter.kind, id),
      handler,
    });
  }

  const github = webhooks.github;
  if (github !== undefined) {
    const source = config.sources.find(
      (s) => s.id === github.source && s.kind === "github-secret-scanning",
    );
    const pullDeps = { logger, env: deps.env };
    const handler = createGithubAlertWebhookReceiver({
      secret: resolveSecretRef(
        github.secret,
        "http.webhooks.github.secret",
        deps.env,
      ),
      logger,
      onFindings: async (records) => {
        await closeloop.engine.ingest(records);
        deps.onIngested(records);
      },
      ...(source?.kind === "github-secret-scanning"
        ? {
            fetchAlert: (alert) => fetchGithubAlert(source, pullDeps, alert),
          }
        : {}),
    });
    routes.push({ method: "POST", path: GITHUB_WEBHOOK_PATH, handler });
  }
  return routes;
}
