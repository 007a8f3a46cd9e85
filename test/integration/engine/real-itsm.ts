import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { setupServer } from "msw/node";
import type { SetupServer } from "msw/node";
import { createCustody } from "../../../src/custody/custody.js";
import { Engine } from "../../../src/engine/engine.js";
import type { EngineDeps } from "../../../src/engine/types.js";
import { EvidenceSigner } from "../../../src/evidence/signer.js";
import { Metrics } from "../../../src/http/metrics.js";
import {
  createJiraAdapter,
  jiraInstanceSchema,
} from "../../../src/itsm/jira/index.js";
import {
  createServiceNowAdapter,
  servicenowInstanceSchema,
} from "../../../src/itsm/servicenow/index.js";
import type { ItsmAdapter } from "../../../src/itsm/types.js";
import {
  JiraSimulator,
  jiraHandlers,
} from "../../../src/sandbox/jira/index.js";
import {
  DEFAULT_SANDBOX_PASSWORD,
  INTEGRATION_USER,
  ServiceNowSimulator,
  servicenowHandlers,
} from "../../../src/sandbox/servicenow/index.js";
import type { ServiceNowSimulatorOptions } from "../../../src/sandbox/servicenow/index.js";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import { ManualClock } from "../../helpers/fakes/clock.js";
import { FakeRenderer } from "../../helpers/fakes/fake-renderer.js";
import { FakeTarget } from "../../helpers/fakes/fake-target.js";
import { resolveTo } from "../../helpers/fakes/findings.js";
import { MemoryLogger } from "../../helpers/fakes/memory-logger.js";

export const SNOW_URL = "https://dev00001.service-now.test";
export const JIRA_URL = "https://acme.atlassian.net";

/** One adapter call and the HTTP requests it made (counted at the simulator). */
export interface CountedCall {
  instance: string;
  method: string;
  http: number;
}

const noSleep = (): Promise<void> => Promise.resolve();

/** Records every adapter call with the HTTP requests the simulator saw during it. */
function counted(
  adapter: ItsmAdapter,
  requests: () => number,
  log: CountedCall[],
): ItsmAdapter {
  return new Proxy(adapter, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== "function" || name === "ownUserId") return value;
      return async (...args: unknown[]) => {
        const before = requests();
        try {
          const call = value as (...a: unknown[]) => Promise<unknown>;
          return await call.apply(target, args);
        } finally {
          log.push({
            instance: adapter.instance,
            method: String(name),
            http: requests() - before,
          });
        }
      };
    },
  });
}

/**
 * The engine against the real ServiceNow and Jira adapters, each talking HTTP to its simulator
 * through msw; `calls` lists every adapter call with its HTTP requests.
 */
export class RealItsmHarness {
  readonly dir = mkdtempSync(join(tmpdir(), "closeloop-real-itsm-"));
  readonly clock = new ManualClock();
  readonly target = new FakeTarget("pg-test");
  readonly snow: ServiceNowSimulator;
  readonly jira = new JiraSimulator();
  readonly metrics = new Metrics();
  /** Every line the engine and the adapters log, for tests that grep them. */
  readonly logger = new MemoryLogger();
  readonly calls: CountedCall[] = [];
  readonly server: SetupServer;
  readonly store: SqliteStore;
  readonly engine: Engine;

  constructor(
    instances: ("snow" | "jira")[],
    route?: EngineDeps["route"],
    snowOptions: ServiceNowSimulatorOptions = {},
    /** Engine dependencies a test replaces (the resolver, the renderer, `routeUnresolved`). */
    overrides: Partial<EngineDeps> = {},
    /** Jira instance settings a test replaces (`closePath`, `maxCloseHops`). */
    readonly jiraSettings: Record<string, unknown> = {},
  ) {
    this.snow = new ServiceNowSimulator({ baseUrl: SNOW_URL, ...snowOptions });
    this.server = setupServer(
      ...servicenowHandlers(this.snow, SNOW_URL),
      ...jiraHandlers(this.jira, JIRA_URL),
    );
    this.server.listen({ onUnhandledRequest: "error" });
    this.store = new SqliteStore(join(this.dir, "closeloop.sqlite"));
    const itsms = instances.map((i) =>
      i === "snow" ? this.#snowAdapter() : this.#jiraAdapter(),
    );
    this.engine = new Engine({
      store: this.store,
      itsms,
      targets: [this.target],
      resolve: resolveTo("pg-test"),
      route: route ?? (() => itsms.map((i) => i.instance)),
      renderer: new FakeRenderer(),
      custody: createCustody({ current: randomBytes(32).toString("base64") }),
      evidence: EvidenceSigner.loadOrCreate(this.dir),
      clock: this.clock.now,
      logger: this.logger,
      policy: { ticketLostPolicy: "flag" },
      metrics: this.metrics,
      ...overrides,
    });
  }

  #snowAdapter(): ItsmAdapter {
    const config = servicenowInstanceSchema.parse({
      id: "snow",
      kind: "servicenow",
      baseUrl: SNOW_URL,
      auth: { type: "basic", user: INTEGRATION_USER, password: { env: "PW" } },
      integrationUser: INTEGRATION_USER,
      ratePerSecond: 1000,
      attachmentPollMs: 10,
    });
    const adapter = createServiceNowAdapter(config, {
      logger: this.logger,
      env: { PW: DEFAULT_SANDBOX_PASSWORD },
      sleep: noSleep,
      metrics: this.metrics,
    });
    return counted(adapter, () => this.snow.requests.length, this.calls);
  }

  #jiraAdapter(): ItsmAdapter {
    const config = jiraInstanceSchema.parse({
      id: "jira",
      kind: "jira",
      baseUrl: JIRA_URL,
      deployment: "cloud",
      auth: {
        type: "basic",
        email: "closeloop@example.com",
        apiToken: { env: "JT" },
      },
      project: "SEC",
      issueType: "Task",
      approval: { mode: "jsm" },
      closePath: ["5011"],
      ratePerSecond: 1000,
      ...this.jiraSettings,
    });
    const adapter = createJiraAdapter(config, {
      logger: this.logger,
      env: { JT: "test-token-value" },
      sleep: noSleep,
      metrics: this.metrics,
    });
    return counted(adapter, () => this.jira.requests.length, this.calls);
  }

  async start(): Promise<this> {
    await this.store.migrate();
    return this;
  }

  /** Passes, an hour of fake time apart, until two in a row do nothing. */
  async settle(maxPasses = 12): Promise<void> {
    let quiet = 0;
    for (let i = 0; i < maxPasses && quiet < 2; i += 1) {
      const s = await this.engine.runOnce();
      this.clock.advance(3_600_000);
      quiet = s.processed === 0 ? quiet + 1 : 0;
    }
  }

  /** The adapter calls made for tickets: every call but the shared change query. */
  perFinding(instance: string): CountedCall[] {
    return this.calls.filter(
      (c) => c.instance === instance && c.method !== "listChangedSince",
    );
  }

  async dispose(): Promise<void> {
    this.server.close();
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
