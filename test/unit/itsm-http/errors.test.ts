import { describe, expect, it } from "vitest";
import { CloseloopError } from "../../../src/domain/errors.js";
import {
  classifyNetworkError,
  errorFromStatus,
  isJsonContentType,
  pickRetryHeaders,
} from "../../../src/itsm/http/index.js";

describe("errorFromStatus", () => {
  it("maps statuses to stable codes with the right retryability", () => {
    const cases = [
      [401, "AUTH_FAILED", false],
      [403, "FORBIDDEN", false],
      [404, "NOT_FOUND", false],
      [429, "RATE_LIMITED", true],
      [500, "SERVER_ERROR", true],
      [503, "INSTANCE_UNAVAILABLE", true],
      [400, "PAYLOAD_SCHEMA", false],
      [302, "UNEXPECTED_RESPONSE", false],
    ] as const;

    for (const [status, code, retryable] of cases) {
      const error = errorFromStatus(status, "x");

      expect(error).toBeInstanceOf(CloseloopError);
      expect(error).toMatchObject({ code, retryable, status });
    }
  });
});

describe("classifyNetworkError", () => {
  it("calls a reset during a create ambiguous and not retryable", () => {
    const reset = Object.assign(new Error("socket hang up"), {
      code: "ECONNRESET",
    });

    const error = classifyNetworkError(reset, {
      method: "POST",
      path: "/t",
      idempotent: false,
    });

    expect(error).toMatchObject({ code: "AMBIGUOUS_WRITE", retryable: false });
  });

  it("calls a refused read an unreachable instance, retryable", () => {
    const refused = { code: "ECONNREFUSED" };

    const error = classifyNetworkError(refused, {
      method: "GET",
      path: "/t",
      idempotent: true,
    });

    expect(error).toMatchObject({
      code: "INSTANCE_UNAVAILABLE",
      retryable: true,
    });
    expect(error.details).toMatchObject({ reason: "unreachable" });
  });
});

describe("helpers", () => {
  it("recognises JSON media types only", () => {
    expect(isJsonContentType("application/json;charset=UTF-8")).toBe(true);
    expect(isJsonContentType("application/vnd.api+json")).toBe(true);
    expect(isJsonContentType("text/html; charset=UTF-8")).toBe(false);
    expect(isJsonContentType(undefined)).toBe(false);
  });

  it("keeps only the retry headers", () => {
    const headers = new Headers({
      "Retry-After": "3",
      authorization: "Basic abc",
      "X-RateLimit-Reset": "1700000000",
    });

    expect(pickRetryHeaders(headers)).toEqual({
      "retry-after": "3",
      "x-ratelimit-reset": "1700000000",
    });
  });
});
