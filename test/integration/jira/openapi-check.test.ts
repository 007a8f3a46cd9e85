import { describe, expect, it } from "vitest";
import { checkAgainstOpenApi } from "./openapi-check.js";

const request = (method: string, path: string, json?: unknown) => ({
  method,
  path,
  headers:
    json === undefined
      ? ({} as Record<string, string>)
      : { "content-type": "application/json" },
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

  it("flags an approval answer, an unknown JSM call, a foreign API and a non-multipart upload", () => {
    const problems = checkAgainstOpenApi([
      request("POST", "/rest/servicedeskapi/request/10001/approval/7", {
        decision: "approve",
      }),
      request("GET", "/rest/servicedeskapi/request/10001/approval?page=2"),
      request("GET", "/rest/agile/1.0/board"),
      request("POST", "/rest/api/3/issue/10001/attachments", {}),
      request("POST", "/rest/api/3/issue/10001/comment"),
    ]);

    expect(problems).toEqual([
      "POST /rest/servicedeskapi/request/10001/approval/7: answers an approval (closeloop never approves)",
      "GET /rest/servicedeskapi/request/10001/approval?page: unknown query parameter",
      "GET /rest/agile/1.0/board: not an API the description covers",
      "POST /rest/api/3/issue/10001/attachments: content-type application/json not accepted",
      "POST /rest/api/3/issue/10001/comment: content-type none not accepted",
      "POST /rest/api/3/issue/10001/comment: the operation requires a JSON body",
    ]);
  });

  it("checks Data Center's v2 calls against the same operations, search by startAt included", () => {
    const problems = checkAgainstOpenApi([
      request("GET", "/rest/api/2/search?jql=x&startAt=0&maxResults=100"),
      request("POST", "/rest/api/2/issue/10001/comment", { body: "wiki" }),
      request("POST", "/rest/api/2/issue/10001/transitions", {
        transition: 31,
      }),
    ]);

    expect(problems).toEqual([
      "POST /rest/api/2/issue/10001/transitions.transition: expected object, got integer",
    ]);
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
