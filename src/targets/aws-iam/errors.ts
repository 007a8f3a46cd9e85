import { CloseloopError } from "../../domain/errors.js";

/** What an AWS SDK v3 error says, read once: `name` is the query-protocol error code (§3.1). */
export interface AwsFailure {
  code: string;
  status: number | undefined;
  message: string;
  requestId: string | undefined;
}

const TRANSIENT_CODES = new Set([
  "Throttling",
  "ThrottlingException",
  "ServiceFailure",
  "ServiceUnavailable",
  "RequestTimeout",
  "ConcurrentModification",
  "InternalFailure",
]);

export function readAwsFailure(error: unknown): AwsFailure {
  if (!(error instanceof Error)) {
    return {
      code: "Unknown",
      status: undefined,
      message: String(error),
      requestId: undefined,
    };
  }
  const raw = error as {
    Code?: unknown;
    RequestId?: unknown;
    $metadata?: { httpStatusCode?: number; requestId?: string };
  };
  // The SDK names modelled errors `NoSuchEntityException`; `Code` keeps the wire code.
  const code = typeof raw.Code === "string" ? raw.Code : error.name;
  const requestId =
    raw.$metadata?.requestId ??
    (typeof raw.RequestId === "string" ? raw.RequestId : undefined);
  return {
    code,
    status: raw.$metadata?.httpStatusCode,
    message: error.message,
    requestId,
  };
}

export function isNoSuchEntity(error: unknown): boolean {
  return readAwsFailure(error).code === "NoSuchEntity";
}

export function isTransient(failure: AwsFailure): boolean {
  if (TRANSIENT_CODES.has(failure.code)) return true;
  if (failure.status === undefined) return true;
  return failure.status >= 500;
}

/** Turns an SDK failure into closeloop's error shape, once, at the adapter's edge. */
export function toAwsError(error: unknown, operation: string): CloseloopError {
  const failure = readAwsFailure(error);
  return new CloseloopError(
    `AWS_${failure.code.toUpperCase()}`,
    `${operation} failed: ${failure.code}`,
    {
      cause: error,
      retryable: isTransient(failure),
      details: {
        operation,
        awsCode: failure.code,
        status: failure.status,
        requestId: failure.requestId,
      },
    },
  );
}
