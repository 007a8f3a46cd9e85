import { setupServer } from "msw/node";
import { makePlan } from "../../../src/domain/plan.js";
import { silentLogger } from "../../../src/logging/logger.js";
import type { TicketDraft } from "../../../src/itsm/types.js";
import {
  createServiceNowAdapter,
  servicenowInstanceSchema,
} from "../../../src/itsm/servicenow/index.js";
import type { ServiceNowAdapter } from "../../../src/itsm/servicenow/index.js";
import {
  DEFAULT_SANDBOX_PASSWORD,
  INTEGRATION_USER,
  ServiceNowSimulator,
  servicenowHandlers,
} from "../../../src/sandbox/servicenow/index.js";
import type { ServiceNowSimulatorOptions } from "../../../src/sandbox/servicenow/index.js";

export const BASE_URL = "https://dev00001.service-now.test";

export interface Harness {
  sim: ServiceNowSimulator;
  adapter: ServiceNowAdapter;
  sleeps: number[];
  close(): void;
}

/** A simulator behind msw, and an adapter whose sleeps are recorded, not waited. */
export function startHarness(
  options: {
    sim?: Omit<ServiceNowSimulatorOptions, "baseUrl">;
    config?: Record<string, unknown>;
    now?: () => Date;
  } = {},
): Harness {
  const sim = new ServiceNowSimulator({ baseUrl: BASE_URL, ...options.sim });
  const server = setupServer(...servicenowHandlers(sim, BASE_URL));
  server.listen({ onUnhandledRequest: "error" });

  const config = servicenowInstanceSchema.parse({
    id: "snow-test",
    kind: "servicenow",
    baseUrl: BASE_URL,
    auth: {
      type: "basic",
      user: INTEGRATION_USER,
      password: { env: "SNOW_PW" },
    },
    integrationUser: INTEGRATION_USER,
    ratePerSecond: 1000,
    lookupWindowMs: 60_000,
    attachmentPollMs: 10,
    ...options.config,
  });
  const sleeps: number[] = [];
  const adapter = createServiceNowAdapter(config, {
    logger: silentLogger,
    env: { SNOW_PW: DEFAULT_SANDBOX_PASSWORD },
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return { sim, adapter, sleeps, close: () => server.close() };
}

export function draftFor(fingerprint: string): TicketDraft {
  const plan = makePlan({
    findingFingerprint: fingerprint,
    targetId: "pg-main",
    targetKind: "postgres",
    principal: "app_reporting",
    actions: [
      {
        id: "a1",
        kind: "postgres.disable-login",
        summary: "ALTER ROLE app_reporting NOLOGIN",
        impact: "Clients using app_reporting can no longer log in",
        verification: "A login with the leaked password fails",
        undo: "ALTER ROLE app_reporting LOGIN",
        optional: false,
        params: { role: "app_reporting" },
      },
    ],
  });
  return {
    findingFingerprint: fingerprint,
    correlationId: `finding-${fingerprint}`,
    fields: {
      short_description: "Revoke leaked PostgreSQL password for app_reporting",
      description: "secretlint found a password in examples/app/.env",
    },
    plan,
    planText: `1. ALTER ROLE app_reporting NOLOGIN\n\nPlan hash: ${plan.hash}`,
  };
}
