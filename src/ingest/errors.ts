import { InputError } from "../domain/errors.js";
import type { CloseloopErrorOptions } from "../domain/errors.js";

export type IngestErrorCode =
  "MALFORMED_REPORT" | "UNSUPPORTED_FORMAT" | "REPORT_MISSING" | "EMPTY_FILE";

/** A report that cannot be read: names the file and where it broke, never its content. */
export class IngestError extends InputError {
  declare readonly code: IngestErrorCode;

  constructor(
    code: IngestErrorCode,
    message: string,
    options: CloseloopErrorOptions = {},
  ) {
    super(code, message, options);
  }
}

/** Names the fields zod found missing or wrong, by path, without their values. */
export function describeIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string[] {
  return issues.slice(0, 10).map((issue) => {
    const path = issue.path.map(String).join(".") || "(item)";
    return `${path}: ${issue.message}`;
  });
}
