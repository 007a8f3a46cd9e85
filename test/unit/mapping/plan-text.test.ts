import { describe, expect, it } from "vitest";
import {
  parsePlanHash,
  renderPlanText,
} from "../../../src/mapping/plan-text.js";
import { truncateChars } from "../../../src/mapping/liquid.js";
import { fixturePlan } from "./fixture.js";

describe("renderPlanText", () => {
  it("lists each action with its impact, verification and undo", () => {
    const text = renderPlanText(fixturePlan);

    expect(text).toContain('1. ALTER ROLE "svc_leaky" NOLOGIN');
    expect(text).toContain("Impact: new sessions of svc_leaky are refused");
    expect(text).toContain(
      "Verification: a login with the leaked password fails",
    );
    expect(text).toContain('Undo: ALTER ROLE "svc_leaky" LOGIN');
    expect(text).toContain(
      "2. terminate the open sessions of svc_leaky (optional)",
    );
    expect(text).toContain("Undo: cannot be undone");
  });

  it("ends with the plan hash line", () => {
    const lines = renderPlanText(fixturePlan).split("\n");

    expect(lines.at(-1)).toBe(`closeloop plan hash: ${fixturePlan.hash}`);
  });
});

describe("parsePlanHash", () => {
  it("reads back the hash renderPlanText wrote", () => {
    expect(parsePlanHash(renderPlanText(fixturePlan))).toBe(fixturePlan.hash);
  });

  it("reads the hash through wiki markup an ITSM added", () => {
    const text = `Plan...\n*closeloop plan hash:* {{${fixturePlan.hash}}}`;

    expect(parsePlanHash(text)).toBe(fixturePlan.hash);
  });

  it("answers null when there is no hash or two different ones", () => {
    const edited = `${renderPlanText(fixturePlan)}\ncloseloop plan hash: ${"b".repeat(64)}`;

    expect(parsePlanHash("no plan here")).toBeNull();
    expect(parsePlanHash(edited)).toBeNull();
  });
});

describe("truncateChars", () => {
  it("keeps short text and never leaves half a surrogate pair", () => {
    expect(truncateChars("short", 10)).toBe("short");
    expect(truncateChars("ab🔑cd", 4)).toBe("ab…");
  });
});
