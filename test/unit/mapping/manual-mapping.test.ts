import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "../../../src/domain/errors.js";
import { createMappingRenderer } from "../../../src/mapping/renderer.js";
import { sampleManualContext } from "../../../src/mapping/sample-context.js";

describe("manual-remediation mappings", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("render the reason, the masked preview and the steps for a person", () => {
    const renderer = createMappingRenderer("mappings", {
      requireManual: ["servicenow", "jira"],
    });
    const context = sampleManualContext();

    const snow = renderer.renderManual("servicenow", context);
    const jira = renderer.renderManual("jira", context);

    for (const text of [String(snow.description), String(jira.description)]) {
      expect(text).toContain(`could not resolve it: ${context.reason}`);
      expect(text).toContain(`Value (masked): ${context.finding.preview}`);
      expect(text).toContain("Owner: team-sample");
    }
    expect(String(snow.implementation_plan)).toContain("Revoke or rotate");
    expect(String(jira.description)).toContain("What to do");
    expect(jira.labels).toEqual(["closeloop-manual", context.finding.detector]);
  });

  it("stops start-up when a routed ITSM kind has no manual mapping", () => {
    dir = mkdtempSync(join(tmpdir(), "closeloop-mappings-"));
    cpSync("mappings", dir, { recursive: true });
    rmSync(join(dir, "jira", "manual-issue.yaml"));

    const run = () => createMappingRenderer(dir!, { requireManual: ["jira"] });

    expect(run).toThrow(InputError);
    expect(run).toThrow(/manual-issue\.yaml/);
  });
});
