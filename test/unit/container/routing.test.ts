import { randomBytes } from "node:crypto";
import { resolve as resolvePath } from "node:path";
import { container as rootContainer } from "tsyringe";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load.js";
import {
  createContainer,
  loadAdapters,
  resolve,
  TOKENS,
} from "../../../src/container/index.js";
import { createMemoryLogger } from "../../../src/logging/memory-logger.js";
import { makeFinding } from "../../helpers/fakes/findings.js";
import { scratchDir } from "../../helpers/scratch-dir.js";

const ENV = {
  CUSTODY_KEY: randomBytes(32).toString("base64"),
  JIRA_TOKEN: "jira-token-canary-99",
};

function config() {
  const dir = scratchDir("closeloop-routing-");
  return parseConfig(
    `
dataDir: ${dir}
custody: { key: { env: CUSTODY_KEY } }
itsm:
  - id: jira
    kind: jira
    baseUrl: https://127.0.0.1:1
    deployment: cloud
    auth: { type: basic, email: bot@example.com, apiToken: { env: JIRA_TOKEN } }
    project: SEC
    issueType: Task
    approval: { mode: jsm }
targets: []
routing:
  default: [jira]
  rules:
    - when: { owner: team-payments }
      itsm: [jira]
      jiraProject: PAY
mappingsDir: ${resolvePath("mappings")}
`,
    "test.yaml",
    ENV,
  );
}

// The container builds adapters from modules loaded for the configured kinds (openCloseloop
// loads them itself).
beforeAll(() => loadAdapters(config()));

describe("the container's route", () => {
  it("carries a routing rule's Jira project to the engine", () => {
    const c = createContainer(config(), {
      env: ENV,
      logger: createMemoryLogger(),
      parent: rootContainer.createChildContainer(),
    });
    const route = resolve(c, TOKENS.route);
    const identity = {
      targetId: "pg",
      targetKind: "postgres" as const,
      principal: "svc",
    };

    expect(
      route(makeFinding("r1"), { ...identity, owner: "team-payments" }),
    ).toEqual({ itsm: ["jira"], jiraProject: "PAY" });
    expect(route(makeFinding("r2"), identity)).toEqual({ itsm: ["jira"] });
  });
});
