import { CommanderError } from "commander";
import { InputError, isCloseloopError } from "../domain/errors.js";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

/** Help and version end a run successfully; every other commander error is bad usage. */
const COMMANDER_SUCCESS = new Set([
  "commander.helpDisplayed",
  "commander.help",
  "commander.version",
]);

/** 0 success, 1 the work failed, 2 bad usage or bad input (PRODUCT.md section 8). */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    return COMMANDER_SUCCESS.has(error.code) ? EXIT_OK : EXIT_BAD_INPUT;
  }
  if (error instanceof InputError) return EXIT_BAD_INPUT;
  return EXIT_FAILURE;
}

/**
 * The one line a person reads when a command fails. Commander has already printed its own usage
 * errors, so those produce nothing here.
 */
export function describeError(error: unknown): string | null {
  if (error instanceof CommanderError) return null;
  if (isCloseloopError(error)) {
    const where = whereOf(error.details);
    return `closeloop: ${error.message}${where} [${error.code}]`;
  }
  if (error instanceof Error) return `closeloop: ${error.message}`;
  return `closeloop: ${String(error)}`;
}

/** Adds the path a problem sits at when the message does not already name it. */
function whereOf(details: Record<string, unknown>): string {
  const issues = details.issues;
  if (!Array.isArray(issues) || issues.length === 0) return "";
  const lines = issues
    .map(formatIssue)
    .filter((line) => line !== "")
    .map((line) => `\n  - ${line}`);
  return lines.join("");
}

function formatIssue(issue: unknown): string {
  if (typeof issue === "string") return issue;
  if (issue !== null && typeof issue === "object") {
    const { path, message } = issue as { path?: unknown; message?: unknown };
    const at = Array.isArray(path)
      ? path.join(".")
      : typeof path === "string"
        ? path
        : "";
    return at === "" ? String(message) : `${at}: ${String(message)}`;
  }
  return JSON.stringify(issue);
}
