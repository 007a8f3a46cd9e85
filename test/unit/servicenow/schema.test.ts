import { describe, expect, it } from "vitest";
import {
  glideToIso,
  rawValue,
  refId,
} from "../../../src/itsm/servicenow/index.js";
import { classifyResponse } from "../../../src/itsm/servicenow/errors.js";
import { nextLink } from "../../../src/itsm/servicenow/feed.js";

const GID = "8a5055c9c61122780043563ef53438e3";
const link = `https://instance.service-now.test/api/now/table/sys_user_group/${GID}`;
const get = {
  method: "GET",
  path: "/api/now/table/change_request",
  idempotent: true,
};

describe("refId (BR-07)", () => {
  it("returns the sys_id from every shape that carries one", () => {
    expect(refId({ link, value: GID })).toBe(GID);
    expect(
      refId({ display_value: "Security Operations", link, value: GID }),
    ).toBe(GID);
    expect(refId(GID)).toBe(GID);
  });

  it("throws DISPLAY_VALUE_ONLY instead of returning a name as an id", () => {
    const displayOnly = { display_value: "Security Operations", link };

    expect(() => refId(displayOnly)).toThrow(
      expect.objectContaining({ code: "DISPLAY_VALUE_ONLY" }),
    );
  });

  it("reads raw values, never labels", () => {
    expect(rawValue({ display_value: "Authorize", value: "-3" })).toBe("-3");
    expect(rawValue(-5.0)).toBe("-5");
    expect(() => rawValue({ display_value: "Authorize" })).toThrow();
  });
});

describe("classifyResponse", () => {
  it("refuses a 2xx that is not JSON", () => {
    const error = classifyResponse(
      200,
      { "content-type": "text/plain" },
      "hello",
      get,
    );

    expect(error).toMatchObject({ code: "UNEXPECTED_RESPONSE" });
  });

  it("treats a GET answered 202 as a failure", () => {
    const error = classifyResponse(
      202,
      { "content-type": "application/json" },
      "{}",
      get,
    );

    expect(error).toMatchObject({
      code: "UNEXPECTED_RESPONSE",
      retryable: true,
    });
  });

  it("recognises a redirect to the wake-up page as hibernation", () => {
    const headers = { location: "https://signon.service-now.com/ssologin.do" };

    const error = classifyResponse(302, headers, "", get);

    expect(error).toMatchObject({ details: { reason: "hibernating" } });
  });

  it("puts the ServiceNow error message into the typed error", () => {
    const body = JSON.stringify({
      error: { message: "No Record found", detail: "Record doesn't exist" },
      status: "failure",
    });

    const error = classifyResponse(
      404,
      { "content-type": "application/json" },
      body,
      get,
    );

    expect(error).toMatchObject({ code: "NOT_FOUND", status: 404 });
    expect((error as Error).message).toContain("No Record found");
  });
});

describe("helpers", () => {
  it("converts UTC glide date-times to ISO", () => {
    expect(glideToIso("2026-02-17 00:34:32")).toBe("2026-02-17T00:34:32.000Z");
    expect(glideToIso("")).toBeUndefined();
  });

  it("finds the next link among first, prev, next and last", () => {
    const header =
      '<https://i.test/x?sysparm_offset=0>;rel="first",' +
      '<https://i.test/x?sysparm_offset=40>;rel="next",' +
      '<https://i.test/x?sysparm_offset=80>;rel="last"';

    expect(nextLink(header)).toBe("https://i.test/x?sysparm_offset=40");
    expect(nextLink('<https://i.test/x>;rel="last"')).toBeNull();
  });
});
