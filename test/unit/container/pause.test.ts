import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join, resolve as resolvePath } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load.js";
import {
  FilePause,
  openCloseloop,
  resolve,
  TOKENS,
} from "../../../src/container/index.js";
import { CloseloopError } from "../../../src/domain/errors.js";
import type { PlannedAction } from "../../../src/domain/plan.js";
import { createMemoryLogger } from "../../../src/logging/memory-logger.js";
import { makeFinding } from "../../helpers/fakes/findings.js";
import { scratchDir } from "../../helpers/scratch-dir.js";

const ENV = { CUSTODY_KEY: randomBytes(32).toString("base64"), SNOW: "s" };
const fixed = () => new Date("2026-05-01T12:00:00.000Z");

describe("FilePause", () => {
  it("pauses once, keeps the first time and reason, and resumes", () => {
    const dir = scratchDir("closeloop-pause-");
    const pause = new FilePause(join(dir, "data"), fixed);

    expect(pause.isPaused()).toBe(false);
    expect(pause.pause("incident 42")).toEqual({
      since: "2026-05-01T12:00:00.000Z",
      reason: "incident 42",
    });
    expect(pause.pause("another").reason).toBe("incident 42");
    expect(new FilePause(join(dir, "data")).isPaused()).toBe(true);
    expect(pause.resume()).toBe(true);
    expect(pause.isPaused()).toBe(false);
    expect(pause.resume()).toBe(false);
  });

  it("counts a damaged flag file as paused rather than running", () => {
    const dir = scratchDir("closeloop-pause-");
    writeFileSync(join(dir, "paused.json"), "{not json");

    expect(new FilePause(dir).state()?.reason).toContain("unreadable");
  });
});

describe("the container's guarded targets", () => {
  it("refuses every action while paused, before the target is called", async () => {
    const dir = scratchDir("closeloop-guard-");
    const config = parseConfig(
      `
dataDir: ${dir}
custody: { key: { env: CUSTODY_KEY } }
itsm:
  - { id: snow, kind: servicenow, baseUrl: "https://127.0.0.1:1",
      integrationUser: svc, auth: { type: basic, user: svc, password: { env: SNOW } } }
targets:
  - id: jobs
    kind: runbook
    baseUrl: http://127.0.0.1:1
    concurrency: 3
    revoke: { launchPath: /launch, description: Revoke it }
    probe: { url: http://127.0.0.1:1/probe, goneStatus: 401 }
routing: { default: [snow] }
mappingsDir: ${resolvePath("mappings")}
`,
      "test.yaml",
      ENV,
    );
    const loop = await openCloseloop(config, {
      env: ENV,
      logger: createMemoryLogger(),
    });
    const [target] = resolve(loop.container, TOKENS.targetAdapters);
    const action = { id: "a1", kind: "runbook.run-job" } as PlannedAction;
    const ctx = {
      finding: makeFinding(),
      identity: {
        targetId: "jobs",
        targetKind: "runbook" as const,
        principal: "x",
      },
      secret: null,
      logger: createMemoryLogger(),
    };

    loop.pause.pause(null);
    const refused = await target!.execute(action, ctx).catch((e: unknown) => e);
    await loop.close();

    expect(refused).toBeInstanceOf(CloseloopError);
    expect(refused).toMatchObject({
      code: "EXECUTION_PAUSED",
      retryable: true,
    });
  });
});
