import type { ProbeAnswer, ProbeCheck, ProbeResult } from "../types.js";

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

export interface ProbeLoopOptions {
  /** `invalid` rounds needed in a row before the answer is `invalid`. */
  consecutive: number;
  intervalMs: number;
  deadlineMs: number;
  /** A bound independent of the clock, so a frozen clock cannot make the loop endless. */
  maxAttempts: number;
  sleep: Sleep;
  now: () => Date;
  signal?: AbortSignal;
}

export interface ProbeRound {
  answer: ProbeAnswer;
  checks: ProbeCheck[];
}

/**
 * Runs probe rounds until enough consecutive `invalid` answers, the deadline or the attempt bound.
 * Eventually consistent targets answer `invalid` and then `valid` again, so a single `invalid` is
 * not proof. A loop that ends without the streak answers `valid` if the last round said so,
 * otherwise `indeterminate`.
 */
export async function probeUntil(
  round: (attempt: number) => Promise<ProbeRound>,
  options: ProbeLoopOptions,
): Promise<ProbeResult> {
  const startedAt = options.now();
  const deadline = startedAt.getTime() + options.deadlineMs;
  const checks: ProbeCheck[] = [];
  let streak = 0;
  let last: ProbeAnswer = "indeterminate";
  let attempts = 0;

  while (attempts < options.maxAttempts) {
    attempts += 1;
    const result = await round(attempts);
    checks.push(...result.checks);
    last = result.answer;
    streak = result.answer === "invalid" ? streak + 1 : 0;
    if (streak >= options.consecutive) break;

    const timeLeft = deadline - options.now().getTime();
    if (timeLeft <= 0 || options.signal?.aborted === true) break;
    if (attempts < options.maxAttempts) {
      await options.sleep(
        Math.min(options.intervalMs, timeLeft),
        options.signal,
      );
    }
  }

  const proven = streak >= options.consecutive;
  const answer: ProbeAnswer = proven
    ? "invalid"
    : last === "valid"
      ? "valid"
      : "indeterminate";
  const result: ProbeResult = {
    answer,
    checks,
    attempts,
    startedAt: startedAt.toISOString(),
    finishedAt: options.now().toISOString(),
  };
  if (!proven && last === "invalid") {
    result.note =
      `only ${streak} of ${options.consecutive} consecutive invalid answers ` +
      "before the deadline";
  }
  return result;
}

/** The worst answer of a set of checks that must all say `invalid`. */
export function combineAnswers(answers: ProbeAnswer[]): ProbeAnswer {
  if (answers.includes("valid")) return "valid";
  if (answers.length === 0 || answers.includes("indeterminate")) {
    return "indeterminate";
  }
  return "invalid";
}
