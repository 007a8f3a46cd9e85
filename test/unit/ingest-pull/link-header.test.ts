import { describe, expect, it } from "vitest";
import { nextLink } from "../../../src/ingest/pull/link-header.js";

const PAGE = "https://api.github.com/orgs/acme/secret-scanning/alerts?page=2";

describe("reading the next page from a Link header", () => {
  it("picks rel=next among prev, next and last", () => {
    const header = [
      '<https://api.github.com/orgs/acme/secret-scanning/alerts?page=1>; rel="prev"',
      '<https://api.github.com/orgs/acme/secret-scanning/alerts?page=3>; rel="next"',
      '<https://api.github.com/orgs/acme/secret-scanning/alerts?page=9>; rel="last"',
    ].join(", ");

    expect(nextLink(header, PAGE)).toBe(
      "https://api.github.com/orgs/acme/secret-scanning/alerts?page=3",
    );
  });

  it("keeps a comma inside the URL and resolves a relative target", () => {
    const header =
      '</v1/incidents/secrets?cursor=a,b&per_page=100>; rel="next"';

    expect(nextLink(header, "https://api.gitguardian.com/v1/x")).toBe(
      "https://api.gitguardian.com/v1/incidents/secrets?cursor=a,b&per_page=100",
    );
  });

  it("says there is no next page when the header has none or is absent", () => {
    expect(nextLink('<https://x.test/?page=1>; rel="first"', PAGE)).toBeNull();
    expect(nextLink(undefined, PAGE)).toBeNull();
    expect(nextLink("", PAGE)).toBeNull();
  });

  it("reads an unquoted rel among several relation types", () => {
    expect(nextLink("<https://x.test/?page=4>; rel=next", PAGE)).toBe(
      "https://x.test/?page=4",
    );
    expect(nextLink('<https://x.test/?page=5>; rel="next last"', PAGE)).toBe(
      "https://x.test/?page=5",
    );
  });
});
