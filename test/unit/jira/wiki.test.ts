import { describe, expect, it } from "vitest";
import { toWiki, wikiDescription } from "../../../src/itsm/jira/wiki.js";

describe("wiki markup for Data Center", () => {
  it("keeps scanner text literal inside one noformat block", () => {
    expect(toWiki("*bold* {code} [link|http://x]\r\nh1. title")).toBe(
      "{noformat}\n*bold* {code} [link|http://x]\nh1. title\n{noformat}",
    );
  });

  it("cannot be closed early by a noformat marker in the text", () => {
    const wiki = toWiki("a {noformat} {NOFORMAT} b");

    expect(wiki.match(/\{noformat\}/gi)).toHaveLength(2);
    expect(wiki.startsWith("{noformat}\n")).toBe(true);
    expect(wiki.endsWith("\n{noformat}")).toBe(true);
  });

  it("turns empty text into an empty string", () => {
    expect(toWiki("\n\n  ")).toBe("");
  });

  it("cuts a long description by string length, newlines and markers counted (BR-11)", () => {
    const description = wikiDescription(
      "context line\n".repeat(3400),
      "f.json",
    );

    expect(description.length).toBeLessThanOrEqual(32_767);
    expect(
      description.endsWith(
        "[truncated – full evidence attached: f.json]\n{noformat}",
      ),
    ).toBe(true);
  });
});
