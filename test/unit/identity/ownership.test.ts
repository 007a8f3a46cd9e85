import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/domain/finding.js";
import {
  globToRegExp,
  ownersOf,
  parseCodeowners,
  resolveOwner,
} from "../../../src/identity/index.js";
import { scratchDir } from "../../helpers/scratch-dir.js";

function finding(
  files: string[],
  detector = "postgres-connection-string",
): Finding {
  return {
    fingerprint: "f",
    kind: "secret",
    source: "gitleaks",
    sources: ["gitleaks"],
    detector,
    status: "open",
    title: "t",
    severity: "high",
    preview: "p",
    locations: files.map((file) => ({ source: "gitleaks", file })),
    hints: {},
    tags: [],
    detectedAt: "2024-01-01T00:00:00.000Z",
  };
}

const CODEOWNERS = `
# comment
*                 @acme/everyone
*.env             @acme/config
/services/pay/    @acme/payments
docs/*            @acme/docs
apps/             @acme/apps
/services/pay/public.env
**/logs           @acme/ops
`;

describe("CODEOWNERS", () => {
  const rules = parseCodeowners(CODEOWNERS);

  it("lets the last matching pattern win", () => {
    expect(ownersOf(rules, "README.md")).toEqual(["@acme/everyone"]);
    expect(ownersOf(rules, "config/app.env")).toEqual(["@acme/config"]);
    expect(ownersOf(rules, "services/pay/app.env")).toEqual(["@acme/payments"]);
  });

  it("treats a matching line with no owners as unowned", () => {
    expect(ownersOf(rules, "services/pay/public.env")).toEqual([]);
  });

  it("follows GitHub's anchoring and directory rules", () => {
    expect(ownersOf(rules, "docs/a.md")).toEqual(["@acme/docs"]);
    expect(ownersOf(rules, "docs/deep/a.md")).toEqual(["@acme/everyone"]);
    expect(ownersOf(rules, "x/apps/y/z.ts")).toEqual(["@acme/apps"]);
    expect(ownersOf(rules, "a/b/logs/x.txt")).toEqual(["@acme/ops"]);
    expect(ownersOf(rules, "./services/pay/x.ts")).toEqual(["@acme/payments"]);
  });

  it("compiles * to stay within a directory and ** to cross them", () => {
    expect(globToRegExp("src/*.ts").test("src/a.ts")).toBe(true);
    expect(globToRegExp("src/*.ts").test("src/x/a.ts")).toBe(false);
    expect(globToRegExp("src/**/a.ts").test("src/x/y/a.ts")).toBe(true);
  });
});

describe("resolveOwner", () => {
  const root = scratchDir("closeloop-owners-");
  mkdirSync(join(root, ".github"));
  writeFileSync(join(root, ".github", "CODEOWNERS"), CODEOWNERS);

  it("takes the first static rule that fits before CODEOWNERS", () => {
    const ownership = {
      rules: [
        { detector: "aws-access-key", owner: "@acme/cloud" },
        { pathGlob: "services/**", targetId: "pg-prod", owner: "@acme/dba" },
      ],
    };
    const identity = {
      targetId: "pg-prod",
      targetKind: "postgres" as const,
      principal: "svc",
    };

    expect(
      resolveOwner(
        finding(["services/pay/app.env"]),
        identity,
        ownership,
        root,
      ),
    ).toBe("@acme/dba");
    expect(
      resolveOwner(finding(["services/pay/app.env"]), null, ownership, root),
    ).toBe("@acme/payments");
  });

  it("reads CODEOWNERS for absolute paths inside the source root", () => {
    const owner = resolveOwner(
      finding([join(root, "config/app.env")]),
      null,
      {},
      root,
    );

    expect(owner).toBe("@acme/config");
  });

  it("falls back to the default owner, or null", () => {
    expect(
      resolveOwner(
        finding(["services/pay/public.env"]),
        null,
        { defaultOwner: "@acme/sec" },
        root,
      ),
    ).toBe("@acme/sec");
    expect(resolveOwner(finding(["a.txt"]), null, {})).toBeNull();
  });
});
