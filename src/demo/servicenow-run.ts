import { join } from "node:path";
import type { IngestRecord } from "../ingest/index.js";
import { loadScenarioConfig, type ConfigSetting } from "./demo-config.js";
import {
  custodyEnv,
  ingestUntilApproval,
  openDemoLoop,
  runToEnd,
} from "./demo-loop.js";
import { approveChangeAsCab } from "./demo-sandbox.js";
import type { DemoFields } from "./reporter.js";
import { readClosedChange } from "./servicenow-readback.js";
import type { DemoContext, DemoOutcome } from "./types.js";

/** The scenario's own look at the target after the loop, independent of closeloop's probe. */
export interface GoneCheck {
  gone: boolean;
  /** One clause for the narration: `the leaked key authenticates: no (InvalidClientTokenId)`. */
  text: string;
  /** Facts for `demo.checked` and the outcome; never the secret. */
  fields: DemoFields;
}

export interface ServiceNowRun {
  sandboxUrl: string;
  /** The sandbox ServiceNow's password, for closeloop and for the CAB member. */
  servicenowPassword: string;
  /** `config/demo-<scenario>.yaml`; its `itsm[0]` is the sandbox ServiceNow. */
  configFile: string;
  /** Secrets the configuration names, beside the custody key and the ServiceNow password. */
  env: NodeJS.ProcessEnv;
  /** Runtime values beside the data directory and the ServiceNow URL. */
  settings: ConfigSetting[];
  records: IngestRecord[];
  checkGone(): Promise<GoneCheck>;
}

/**
 * The loop every target demo shares: closeloop opens a change in the sandbox ServiceNow, a CAB
 * member approves it, closeloop acts on the target, proves it, attaches the evidence and closes
 * the change. The outcome is `closed` only if an independent read of the change and of the target
 * agrees: change Closed, the evidence's hash on it, the credential gone.
 */
export async function runThroughServiceNow(
  ctx: DemoContext,
  run: ServiceNowRun,
): Promise<DemoOutcome> {
  const env: NodeJS.ProcessEnv = {
    ...custodyEnv(),
    CLOSELOOP_DEMO_SNOW_PASSWORD: run.servicenowPassword,
    ...run.env,
  };
  const config = loadScenarioConfig(ctx.packageRoot, run.configFile, env, [
    [["dataDir"], join(ctx.workDir, "closeloop")],
    [["itsm", 0, "baseUrl"], run.sandboxUrl],
    ...run.settings,
  ]);
  const loop = await openDemoLoop(ctx, config, env);

  const waiting = await ingestUntilApproval(loop, ctx, run.records);
  const change = waiting.tickets?.[0]?.key;
  if (change === undefined) {
    return { state: waiting.row.state, reason: waiting.row.reason };
  }
  const sysId = await approveChangeAsCab(
    ctx,
    run.sandboxUrl,
    run.servicenowPassword,
    change,
  );

  const done = await runToEnd(loop, ctx);
  const gone = await run.checkGone();
  const readback = await readClosedChange(
    run.sandboxUrl,
    sysId,
    "admin",
    run.servicenowPassword,
  );
  ctx.report.step(
    "demo.checked",
    `checked independently: ${change} is ${readback.stateLabel} (${readback.closeCode}); ` +
      gone.text,
    {
      change,
      changeState: readback.stateLabel,
      closeCode: readback.closeCode,
      attachments: readback.attachments,
      credentialGone: gone.gone,
      ...gone.fields,
    },
  );

  const sha = done.evidenceSha256;
  const attached = readback.attachments.some((a) => a.sha256 === sha);
  const closed =
    done.row.state === "closed" &&
    readback.stateLabel === "Closed" &&
    attached &&
    gone.gone;
  return {
    state: closed ? "closed" : done.row.state,
    change,
    ...(sha === null ? {} : { evidenceSha256: sha }),
    changeState: readback.stateLabel,
    closeCode: readback.closeCode,
    evidenceAttached: attached,
    credentialGone: gone.gone,
    ...gone.fields,
  };
}
