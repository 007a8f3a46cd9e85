import type { SandboxServer, SandboxSystem } from "../sandbox/server.js";
import { startSandboxServer } from "../sandbox/server.js";
import { ServiceNowSimulator } from "../sandbox/servicenow/index.js";
import { decideAsCab } from "./cab.js";
import { freshSecret } from "./demo-loop.js";
import { findChangeSysId } from "./servicenow-readback.js";
import type { DemoContext } from "./types.js";

export const CAB_MEMBER = "cab.alice";

/** The simulated systems of one scenario on one local port, stopped when the demo ends. */
export async function startDemoSandbox(
  ctx: DemoContext,
  systems: SandboxSystem[],
): Promise<SandboxServer> {
  const sandbox = await startSandboxServer({ port: 0, systems });
  ctx.cleanup.defer("sandbox server", () => sandbox.close());
  ctx.onSandbox?.(systems);
  const names = systems.map((system) => system.name);
  ctx.report.step(
    "demo.sandbox.started",
    `sandbox (${names.join(", ")}) on ${sandbox.url}; approval page at ${sandbox.url}/`,
    { url: sandbox.url, systems: names },
  );
  return sandbox;
}

/** A sandbox ServiceNow whose users all log in with a password made for this run. */
export function createDemoServiceNow(): {
  simulator: ServiceNowSimulator;
  password: string;
} {
  const password = freshSecret();
  return { simulator: new ServiceNowSimulator({ password }), password };
}

/**
 * A CAB member opens the change from the list and approves it on the sandbox page; closeloop
 * learns of it only by reading the change back. Answers the change's sys_id.
 */
export async function approveChangeAsCab(
  ctx: DemoContext,
  sandboxUrl: string,
  password: string,
  change: string,
): Promise<string> {
  const sysId = await findChangeSysId(sandboxUrl, change, CAB_MEMBER, password);
  await decideAsCab({
    sandboxUrl,
    sysId,
    approver: CAB_MEMBER,
    decision: "approved",
  });
  ctx.report.step(
    "demo.cab.approved",
    `${CAB_MEMBER} (CAB) approved ${change} on the sandbox's approval page`,
    { change, approver: CAB_MEMBER },
  );
  return sysId;
}
