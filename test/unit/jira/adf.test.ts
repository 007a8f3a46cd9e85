import { describe, expect, it } from "vitest";
import {
  adfTextLength,
  toAdf,
  truncateDescription,
  truncateSummary,
} from "../../../src/itsm/jira/index.js";

describe("toAdf", () => {
  it("builds the exact document BR-12 expects from plain text", () => {
    expect(toAdf("Rotate the key")).toEqual({
      type: "doc",
      version: 1,
      content: [
        {
          type: "paragraph",
          content: [{ type: "text", text: "Rotate the key" }],
        },
      ],
    });
  });

  it("turns empty text into an empty document with no empty text node", () => {
    expect(toAdf("")).toEqual({ type: "doc", version: 1, content: [] });
    expect(JSON.stringify(toAdf("\n\n\n"))).not.toContain('"text":""');
  });

  it("keeps scanner text literal instead of reading it as markup", () => {
    const doc = toAdf("*bold* {code} [link|http://x] <b>");

    expect(doc.content[0]?.content).toEqual([
      { type: "text", text: "*bold* {code} [link|http://x] <b>" },
    ]);
  });

  it("splits paragraphs on blank lines and breaks lines inside them", () => {
    const doc = toAdf("a\nb\n\nc");

    expect(doc.content).toHaveLength(2);
    expect(doc.content[0]?.content.map((n) => n.type)).toEqual([
      "text",
      "hardBreak",
      "text",
    ]);
  });
});

describe("truncateSummary", () => {
  it("cuts at a UTF-16 boundary, never inside a surrogate pair, and ends with an ellipsis", () => {
    const title = `${"a".repeat(252)}🔑🔑 tail`;

    const summary = truncateSummary(title);

    expect(summary.length).toBeLessThanOrEqual(254);
    expect(summary).not.toMatch(/[\uD800-\uDBFF]…$/);
    expect(summary.endsWith("…")).toBe(true);
  });

  it("leaves a short summary alone but flattens newlines", () => {
    expect(truncateSummary("Leaked key\nin repo")).toBe("Leaked key in repo");
  });
});

describe("truncateDescription", () => {
  it("keeps the document under 32,767 characters and ends with the marker", () => {
    const text = "ü".repeat(40_000);

    const cut = truncateDescription(text, "finding-F1.json");

    expect(adfTextLength(toAdf(cut))).toBeLessThanOrEqual(32_767);
    expect(
      cut.endsWith("[truncated – full evidence attached: finding-F1.json]"),
    ).toBe(true);
  });
});
