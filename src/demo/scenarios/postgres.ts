import { createDemoServiceNow, startDemoSandbox } from "../demo-sandbox.js";
import { loginOutcome } from "../pg-login.js";
import { preparePostgresSample } from "../postgres-sample.js";
import { DEMO_CONFIG_FILE } from "../demo-config.js";
import { runThroughServiceNow } from "../servicenow-run.js";
import type { DemoContext, DemoOutcome, DemoScenario } from "../types.js";

/**
 * secretlint finds the sample project's leaked PostgreSQL password; a ServiceNow change is opened
 * in the sandbox, a CAB member approves it there, closeloop disables the role on a real server,
 * proves the password no longer logs in, attaches the evidence and closes the change.
 */
export const postgresScenario: DemoScenario = {
  name: "postgres",
  summary:
    "a leaked PostgreSQL password, a ServiceNow change, a real PostgreSQL server",
  run: runPostgresScenario,
};

async function runPostgresScenario(ctx: DemoContext): Promise<DemoOutcome> {
  const { pg, leaked, records } = await preparePostgresSample(ctx);

  ctx.signal.throwIfAborted();
  const servicenow = createDemoServiceNow();
  const sandbox = await startDemoSandbox(ctx, [servicenow.simulator]);

  return runThroughServiceNow(ctx, {
    sandboxUrl: sandbox.url,
    servicenowPassword: servicenow.password,
    configFile: DEMO_CONFIG_FILE,
    env: { CLOSELOOP_DEMO_PG_ADMIN_PASSWORD: pg.adminPassword },
    settings: [[["targets", 0, "port"], pg.port]],
    records,
    checkGone: async () => {
      const after = await loginOutcome(pg, leaked);
      return {
        gone: !after.loggedIn,
        text:
          "the leaked password logs in: " +
          (after.loggedIn ? "YES" : `no (${after.observed})`),
        fields: {
          leakedPasswordLogsIn: after.loggedIn,
          loginRefusal: after.observed,
        },
      };
    },
  });
}
