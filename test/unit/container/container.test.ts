import { randomBytes } from "node:crypto";
import { resolve as resolvePath } from "node:path";
import { PassThrough } from "node:stream";
import { container as rootContainer } from "tsyringe";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load.js";
import {
  createContainer,
  loadAdapters,
  openCloseloop,
  provide,
  resolve,
  TOKENS,
} from "../../../src/container/index.js";
import { Engine } from "../../../src/engine/engine.js";
import { createMemoryLogger } from "../../../src/logging/memory-logger.js";
import { scratchDir } from "../../helpers/scratch-dir.js";

const ENV = {
  CUSTODY_KEY: randomBytes(32).toString("base64"),
  SNOW_PASSWORD: "snow-password-canary-77",
  PG_PASSWORD: "pg-password-canary-88",
};

function testConfig() {
  const dir = scratchDir("closeloop-container-");
  const yaml = `
dataDir: ${dir}
custody: { key: { env: CUSTODY_KEY } }
log: { level: debug }
itsm:
  - id: snow
    kind: servicenow
    baseUrl: https://127.0.0.1:1
    integrationUser: svc_closeloop
    auth: { type: basic, user: svc_closeloop, password: { env: SNOW_PASSWORD } }
targets:
  - id: pg
    kind: postgres
    host: 127.0.0.1
    database: app
    admin: { user: admin, password: { env: PG_PASSWORD } }
    match: { hosts: [db.internal] }
routing: { default: [snow] }
mappingsDir: ${resolvePath("mappings")}
`;
  return parseConfig(yaml, "test.yaml", ENV);
}

// The container builds adapters from modules loaded for the configured kinds (openCloseloop
// loads them itself).
beforeAll(() => loadAdapters(testConfig()));

describe("createContainer under vitest", () => {
  it("resolves the engine and its adapters from factories, without decorator metadata", () => {
    const c = createContainer(testConfig(), {
      env: ENV,
      logger: createMemoryLogger(),
      parent: rootContainer.createChildContainer(),
    });

    const engine = resolve(c, TOKENS.engine);

    expect(engine).toBeInstanceOf(Engine);
    expect(resolve(c, TOKENS.itsmAdapters).map((a) => a.instance)).toEqual([
      "snow",
    ]);
    expect(resolve(c, TOKENS.targetAdapters).map((t) => t.id)).toEqual(["pg"]);
    expect(resolve(c, TOKENS.health).report().itsm["snow"]?.state).toBe("ok");
  });

  it("makes one instance per container and none shared between containers", () => {
    const config = testConfig();
    const a = createContainer(config, {
      env: ENV,
      logger: createMemoryLogger(),
    });
    const b = createContainer(config, {
      env: ENV,
      logger: createMemoryLogger(),
    });

    expect(resolve(a, TOKENS.metrics)).toBe(resolve(a, TOKENS.metrics));
    expect(resolve(a, TOKENS.metrics)).not.toBe(resolve(b, TOKENS.metrics));
    expect(rootContainer.isRegistered(TOKENS.metrics)).toBe(false);
  });

  it("lets a test replace a dependency before it is resolved", () => {
    const c = createContainer(testConfig(), {
      env: ENV,
      logger: createMemoryLogger(),
    });
    const fixed = new Date("2025-01-01T00:00:00Z");
    c.register(TOKENS.clock, { useValue: () => fixed });
    provide(c, TOKENS.route, () => () => ["elsewhere"]);

    expect(resolve(c, TOKENS.clock)()).toBe(fixed);
    expect(resolve(c, TOKENS.route)({} as never, null)).toEqual(["elsewhere"]);
  });

  it("masks the configuration's secrets in the winston logger it builds", async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
    const c = createContainer(testConfig(), { env: ENV, logStream: stream });

    resolve(c, TOKENS.logger).info("debug.dump", {
      note: `password is ${ENV.SNOW_PASSWORD} and ${ENV.PG_PASSWORD}`,
    });
    await new Promise((done) => setImmediate(done));

    const text = chunks.join("");
    expect(text).toContain("debug.dump");
    expect(text).not.toContain(ENV.SNOW_PASSWORD);
    expect(text).not.toContain(ENV.PG_PASSWORD);
  });

  it("opens a migrated store and closes it", async () => {
    const closeloop = await openCloseloop(testConfig(), {
      env: ENV,
      logger: createMemoryLogger(),
    });

    const summary = await closeloop.engine.ingest([]);
    await closeloop.close();

    expect(summary).toMatchObject({ added: 0 });
  });
});

describe("the container's custody", () => {
  it("names the config path and the variable when the key it reads is invalid", () => {
    const config = testConfig();
    const env = { ...ENV, CUSTODY_KEY: "abc" };
    const c = createContainer(config, {
      env,
      logger: createMemoryLogger(),
      parent: rootContainer.createChildContainer(),
    });

    const custody = (): unknown => resolve(c, TOKENS.custody);

    expect(custody).toThrow(
      "custody.key: environment variable CUSTODY_KEY: the custody key must be 32 bytes",
    );
  });
});
