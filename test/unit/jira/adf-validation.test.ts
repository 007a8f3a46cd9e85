import { describe, expect, it } from "vitest";
import { toAdf, truncateDescription } from "../../../src/itsm/jira/index.js";
import { adfProblem } from "../../../src/sandbox/jira/adf-schema.js";
import { NOT_ADF, richTextError } from "../../../src/sandbox/jira/validate.js";

const doc = (...content: unknown[]) => ({ type: "doc", version: 1, content });
const text = (value: string, marks?: unknown[]) => ({
  type: "text",
  text: value,
  ...(marks === undefined ? {} : { marks }),
});
const paragraph = (...content: unknown[]) => ({ type: "paragraph", content });

describe("the simulator's ADF validation", () => {
  it("accepts every document closeloop's converter builds", () => {
    const inputs = [
      "",
      "Rotate the key",
      "line one\nline two\n\n\nnext paragraph\n",
      "*bold* {code} [link|http://x] <b> \u0007 \r\n tabs\tkept",
      truncateDescription("context line\n".repeat(3400), "finding-x.json"),
    ];

    expect(inputs.map((input) => adfProblem(toAdf(input)))).toEqual(
      inputs.map(() => null),
    );
  });

  it("accepts the nodes and marks closeloop may emit, nested where ADF allows them", () => {
    const cell = { type: "tableCell", content: [paragraph(text("v"))] };
    const header = {
      type: "tableHeader",
      attrs: { colspan: 1 },
      content: [paragraph(text("k"))],
    };
    const item = (value: string) => ({
      type: "listItem",
      content: [paragraph(text(value))],
    });
    const value = doc(
      { type: "heading", attrs: { level: 2 }, content: [text("Plan")] },
      paragraph(
        text("role ", [{ type: "strong" }, { type: "em" }]),
        text("app_reporting", [
          { type: "code" },
          { type: "link", attrs: { href: "https://example.com" } },
        ]),
        { type: "hardBreak" },
        text("next"),
      ),
      {
        type: "bulletList",
        content: [
          item("one"),
          {
            type: "listItem",
            content: [
              paragraph(text("two")),
              { type: "orderedList", content: [item("2a")] },
            ],
          },
        ],
      },
      {
        type: "codeBlock",
        attrs: { language: "sql" },
        content: [text("ALTER ROLE x NOLOGIN")],
      },
      { type: "rule" },
      {
        type: "table",
        attrs: { isNumberColumnEnabled: false, layout: "default" },
        content: [
          { type: "tableRow", content: [header, header] },
          { type: "tableRow", content: [cell, cell] },
        ],
      },
    );

    expect(adfProblem(value)).toBeNull();
  });

  it.each([
    ["an unknown node", doc({ type: "marquee" }), "doc.content[0]: marquee"],
    ["text at the top level", doc(text("x")), "text not allowed here"],
    ["an empty text node", doc(paragraph(text(""))), "must be a non-empty"],
    [
      "a list item outside a list",
      doc({ type: "listItem", content: [paragraph(text("x"))] }),
      "listItem not allowed here",
    ],
    ["an empty list", doc({ type: "bulletList", content: [] }), "at least 1"],
    [
      "a list item starting with a list",
      doc({
        type: "bulletList",
        content: [
          { type: "listItem", content: [{ type: "bulletList", content: [] }] },
        ],
      }),
      "bulletList not allowed here",
    ],
    [
      "a heading without a level",
      doc({ type: "heading", content: [text("x")] }),
      "attrs.level",
    ],
    [
      "a mark inside a code block",
      doc({ type: "codeBlock", content: [text("x", [{ type: "strong" }])] }),
      "marks: not allowed here",
    ],
    [
      "a link without href",
      doc(paragraph(text("x", [{ type: "link", attrs: {} }]))),
      "attrs.href is required",
    ],
    [
      "code combined with strong",
      doc(paragraph(text("x", [{ type: "code" }, { type: "strong" }]))),
      "code combines only with link",
    ],
    [
      "an unknown mark",
      doc(paragraph(text("x", [{ type: "blink" }]))),
      "unknown mark blink",
    ],
    [
      "a paragraph inside a table row",
      doc({
        type: "table",
        content: [{ type: "tableRow", content: [paragraph()] }],
      }),
      "paragraph not allowed here",
    ],
    [
      "content on a hard break",
      doc(paragraph({ type: "hardBreak", content: [] })),
      "content: not allowed",
    ],
    ["a wrong version", { type: "doc", version: 2, content: [] }, "version"],
    [
      "an unknown property",
      doc({ type: "rule", colour: "red" }),
      "colour: unknown property",
    ],
  ])("refuses %s", (_name, value, reason) => {
    expect(adfProblem(value)).toContain(reason);
  });

  it("answers Jira's not-ADF message for an invalid v3 document and a string", () => {
    expect(richTextError("3", doc(text("x")))).toBe(NOT_ADF);
    expect(richTextError("3", "Rotate the key")).toBe(NOT_ADF);
    expect(richTextError("3", toAdf("Rotate the key"))).toBeNull();
  });
});
