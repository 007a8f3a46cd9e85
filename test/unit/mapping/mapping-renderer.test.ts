import { mkdirSync, readFileSync, writeFileSync, cpSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  maskSecret,
  sha256Hex,
  SecretValue,
} from "../../../src/domain/secret.js";
import { createMappingRenderer } from "../../../src/mapping/renderer.js";
import { fixtureContext, fixtureFinding } from "./fixture.js";
import { scratchDir } from "../../helpers/scratch-dir.js";

const GOLDEN = join(import.meta.dirname, "golden");

function golden(name: string): unknown {
  return JSON.parse(readFileSync(join(GOLDEN, name), "utf8"));
}

/** A copy of the shipped mappings with one file replaced. */
function mappingsWith(file: string, text: string): string {
  const dir = scratchDir("closeloop-mappings-");
  cpSync("mappings", dir, { recursive: true });
  mkdirSync(join(dir, file, ".."), { recursive: true });
  writeFileSync(join(dir, file), text);
  return dir;
}

const SNOW = "servicenow/change_request.yaml";

describe("createMappingRenderer with the shipped mappings", () => {
  const renderer = createMappingRenderer("mappings");

  it("renders the ServiceNow change request of the golden fixture", () => {
    const fields = renderer.render("servicenow", fixtureContext());

    expect(fields).toEqual(golden("servicenow-change_request.json"));
  });

  it("renders the Jira issue of an unresolved finding with no owner", () => {
    const fields = renderer.render(
      "jira",
      fixtureContext({ identity: null, owner: null }),
    );

    expect(fields).toEqual(golden("jira-issue.json"));
  });

  it("puts the plan text, ending with the plan hash, in the implementation plan", () => {
    const context = fixtureContext();

    const fields = renderer.render("servicenow", context);

    expect(fields["implementation_plan"]).toBe(context.planText);
    expect(String(fields["implementation_plan"])).toMatch(
      new RegExp(`closeloop plan hash: ${context.plan.hash}$`),
    );
  });

  it("prints scanner text as data and never runs it as a template", () => {
    const hostile =
      "{{ planText }} {% include '/etc/passwd' %} {{ 7 | plus: 1 }}";
    const context = fixtureContext({
      finding: { ...fixtureFinding, title: hostile },
    });

    const fields = renderer.render("servicenow", context);

    expect(fields["description"]).toContain(`Finding: ${hostile}`);
  });

  it("never renders the raw secret: the context only holds its hash and preview", () => {
    const canary = "CANARY-pg-Pa55w0rd-6b1f0c9e2d";
    const finding = {
      ...fixtureFinding,
      preview: maskSecret(canary),
      secretHash: sha256Hex(canary),
    };
    // Even a SecretValue slipped into the context prints as [REDACTED].
    const smuggled = {
      ...finding,
      title: new SecretValue(canary) as unknown as string,
    };

    const rendered = [
      renderer.render("servicenow", fixtureContext({ finding })),
      renderer.render("jira", fixtureContext({ finding })),
      renderer.render("servicenow", fixtureContext({ finding: smuggled })),
    ];

    expect(JSON.stringify(rendered)).not.toContain(canary);
    expect(JSON.stringify(rendered)).not.toContain(canary.slice(4, -4));
  });

  it("cuts a long Jira summary at 254 UTF-16 units without splitting an emoji (BR-11)", () => {
    const principal = `${"ü".repeat(220)}🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑`;
    const context = fixtureContext({
      identity: { targetId: "pg", targetKind: "postgres", principal },
    });

    const summary = String(renderer.render("jira", context)["summary"]);

    expect(summary.length).toBeLessThanOrEqual(254);
    expect(summary.endsWith("…")).toBe(true);
    expect(summary).not.toMatch(/[\uD800-\uDBFF]…$/);
  });
});

describe("createMappingRenderer with a bad mapping", () => {
  it("lists every missing and unknown field with the file name", () => {
    const dir = mappingsWith(
      SNOW,
      "fields:\n  short_description: x\n  correlation_id: y\n  u_team: ok\n",
    );

    expect(() => createMappingRenderer(dir)).toThrow(
      expect.objectContaining({
        code: "MAPPING_INVALID",
        message: expect.stringMatching(
          /change_request\.yaml: .*fields\.description: required.*fields\.correlation_id: not a/,
        ) as unknown,
      }),
    );
  });

  it("refuses an implementation plan without the plan text", () => {
    const text = readFileSync(join("mappings", SNOW), "utf8").replace(
      'implementation_plan: "{{ planText }}"',
      "implementation_plan: see attachment",
    );

    expect(() => createMappingRenderer(mappingsWith(SNOW, text))).toThrow(
      /fields\.implementation_plan: must contain \{\{ planText \}\}/,
    );
  });

  it("refuses file tags and misspelt variables at start-up", () => {
    const base = readFileSync(join("mappings", SNOW), "utf8");
    const include = base.replace(
      "category: Security",
      "category: \"{% include 'x' %}\"",
    );
    const typo = base.replace(
      "category: Security",
      'category: "{{ findng.title }}"',
    );

    expect(() => createMappingRenderer(mappingsWith(SNOW, include))).toThrow(
      /fields\.category: template does not parse: tag "include" not found/,
    );
    expect(() => createMappingRenderer(mappingsWith(SNOW, typo))).toThrow(
      /fields\.category: undefined variable: findng/,
    );
  });

  it("refuses a mapping file closeloop does not know", () => {
    const dir = mappingsWith("servicenow/incident.yaml", "fields: {}\n");

    expect(() => createMappingRenderer(dir)).toThrow(
      expect.objectContaining({ code: "MAPPING_UNKNOWN" }),
    );
  });

  it("fails when a required ITSM has no mapping file", () => {
    const dir = scratchDir("closeloop-mappings-");

    expect(() => createMappingRenderer(dir, { require: ["jira"] })).toThrow(
      expect.objectContaining({ code: "MAPPING_MISSING" }),
    );
  });
});
