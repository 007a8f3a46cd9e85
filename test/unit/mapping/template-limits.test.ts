import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createMappingRenderer } from "../../../src/mapping/renderer.js";
import { TEMPLATE_LIMITS } from "../../../src/mapping/template-limits.js";
import { fixtureContext, fixtureFinding } from "./fixture.js";
import { scratchDir } from "../../helpers/scratch-dir.js";

const SNOW = "servicenow/change_request.yaml";

/** The shipped mappings with the ServiceNow `category` field set to `template`. */
function mappingsWithCategory(template: string, more = ""): string {
  const dir = scratchDir("closeloop-limits-");
  cpSync("mappings", dir, { recursive: true });
  const text = readFileSync(join("mappings", SNOW), "utf8").replace(
    "category: Security",
    `category: ${JSON.stringify(template)}${more}`,
  );
  writeFileSync(join(dir, SNOW), text);
  return dir;
}

function refusal(
  template: string,
  more = "",
): { code: string; message: string } {
  try {
    createMappingRenderer(mappingsWithCategory(template, more));
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error("the template was accepted");
}

describe("createMappingRenderer with a costly template", () => {
  it.each([
    [
      "a tablerow",
      "{% tablerow i in (1..10000000) %}{{ i }}{% endtablerow %}",
      /tablerow is not allowed/,
    ],
    [
      "a range literal above the cap",
      "{% for i in (1..2000) %}{% for j in (1..2000) %}x{% endfor %}{% endfor %}",
      /"\{% for i in \(1\.\.2000\) %\}": a range has at most 1000 items/,
    ],
    [
      "loops nested three deep",
      "{% for a in (1..2) %}{% for b in (1..2) %}{% for c in (1..2) %}" +
        "x{% endfor %}{% endfor %}{% endfor %}",
      /"\{% for c in \(1\.\.2\) %\}": loops nest at most 2 deep/,
    ],
    [
      "a literal loop limit above the cap",
      "{% for l in finding.locations limit: 100000 %}x{% endfor %}",
      /limit is at most 1000/,
    ],
    [
      "a range whose size is only known at render time",
      "{% assign n = 10000000 %}{% for i in (1..n) %}x{% endfor %}",
      /memory alloc limit exceeded/,
    ],
    [
      "a string doubled in a loop",
      '{% assign s = "xxxxxxxxxx" %}{% for i in (1..100) %}' +
        "{% assign s = s | append: s %}{% endfor %}{{ s.size }}",
      /memory alloc limit exceeded/,
    ],
    [
      "nested loops over a computed range",
      "{% assign n = 2000 %}{% for i in (1..n) %}{% for j in (1..n) %}" +
        "x{% endfor %}{% endfor %}",
      /template step limit exceeded/,
    ],
    [
      "nested loops over a split array",
      `{% assign xs = "${"a,".repeat(3000)}" | split: "," %}` +
        "{% for a in xs %}{% for b in xs %}{{ b }}{% endfor %}{% endfor %}",
      /template step limit exceeded/,
    ],
    [
      "a template longer than the size limit",
      "x".repeat(TEMPLATE_LIMITS.templateChars + 1),
      /template is 20001 characters; at most 20000/,
    ],
  ])(
    "refuses %s at start-up, naming the file and the field",
    (_name, template, reason) => {
      const error = refusal(template);

      expect(error.code).toBe("MAPPING_TOO_COSTLY");
      expect(error.message).toContain(`${SNOW}: fields.category: `);
      expect(error.message).toMatch(reason);
    },
  );

  it("keeps an ordinary mistake beside a costly one a MAPPING_INVALID", () => {
    const error = refusal(
      "{% tablerow i in (1..3) %}{% endtablerow %}",
      "\n  correlation_id: y",
    );

    expect(error.code).toBe("MAPPING_INVALID");
  });
});

describe("createMappingRenderer with the shipped mappings and the limits", () => {
  const renderer = createMappingRenderer("mappings");

  const manyLocations = fixtureContext({
    finding: {
      ...fixtureFinding,
      locations: Array.from({ length: 1_000 }, (_, i) => ({
        source: "gitleaks",
        file: `config/app-${i}.env`,
        lineReported: i + 1,
      })),
    },
  });

  it("renders a finding seen at a thousand locations within the budget", () => {
    const snow = renderer.render("servicenow", manyLocations);
    const jira = renderer.render("jira", manyLocations);

    expect(String(snow["description"])).toContain("config/app-999.env");
    expect(String(jira["description"])).toContain("config/app-999.env");
  });

  it("gives every ticket its own budget", () => {
    const descriptions = Array.from({ length: 20 }, () =>
      String(renderer.render("servicenow", manyLocations)["description"]),
    );

    expect(descriptions.every((d) => d.includes("config/app-999.env"))).toBe(
      true,
    );
  });
});
