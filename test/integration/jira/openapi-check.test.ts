import { describe, expect, it } from "vitest";
import { checkAgainstOpenApi } from "./openapi-check.js";

const request = (method: string, path: string, json?: unknown) => ({
  method,
  path,
  headers: {},
  json,
});

describe("the OpenAPI request check", () => {
  it("flags the removed search endpoint, a mistyped parameter and a malformed body", () => {
    const problems = checkAgainstOpenApi([
      request("GET", "/rest/api/3/search?jql=labels%3Dx"),
      request("GET", "/rest/api/3/search/jql?jql=x&maxResults=many"),
      request("POST", "/rest/api/3/issue/10001/transitions", {
        transition: "31",
      }),
      request("GET", "/rest/api/3/issue/10001/nonsense"),
    ]);

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/GET \/rest\/api\/3\/search: deprecated/),
        expect.stringMatching(/maxResults: not an integer/),
        expect.stringMatching(/\.transition: expected object, got string/),
        expect.stringMatching(/nonsense: no such operation/),
      ]),
    );
  });

  it("accepts a well-formed create request", () => {
    const body = {
      fields: { project: { key: "SEC" }, summary: "x", labels: ["closeloop"] },
      properties: [{ key: "closeloop.link", value: { finding: "f" } }],
    };

    expect(
      checkAgainstOpenApi([request("POST", "/rest/api/3/issue", body)]),
    ).toEqual([]);
  });
});
