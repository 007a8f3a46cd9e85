import type { Logger } from "../../logging/logger.js";
import type { ProbeResult, TargetContext } from "../types.js";
import type { PostgresTargetConfig } from "./config.js";
import { probeOnce, type ProbePass } from "./probe.js";

export interface VerifyDeps {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Probes until the answer is `invalid` or the deadline passes: NOLOGIN and terminations take
 * effect at once on one server, but not behind a pooler or on a replica that lags (§1.5).
 */
export async function verifyUntilDeadline(
  config: PostgresTargetConfig,
  deps: VerifyDeps,
  role: string,
  ctx: TargetContext,
): Promise<ProbeResult> {
  const logger = ctx.logger.child({ target: config.id });
  const started = deps.now();
  const deadline = started.getTime() + config.probe.deadlineMs;
  const at = (): string => deps.now().toISOString();
  let attempts = 0;
  let pass: ProbePass;

  for (;;) {
    attempts += 1;
    pass = await probeOnce(config, deps.env, logger, role, ctx.secret, at);
    logger.debug("probe.attempted", { attempt: attempts, answer: pass.answer });
    if (pass.answer === "invalid") break;
    if (ctx.signal?.aborted) break;
    if (deps.now().getTime() + config.probe.intervalMs > deadline) break;
    await deps.sleep(config.probe.intervalMs);
  }

  logger.info("verification.answered", { answer: pass.answer, attempts });
  return {
    answer: pass.answer,
    // The last pass decides; earlier passes are summarised by the attempt count.
    checks: pass.checks,
    attempts,
    startedAt: started.toISOString(),
    finishedAt: deps.now().toISOString(),
    ...(pass.note === undefined ? {} : { note: pass.note }),
  };
}
