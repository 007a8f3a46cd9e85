import { z } from "zod";
import { keyedRecord } from "../build-finding.js";
import { ANY_INDEX, ANY_KEY } from "../json-splitter.js";
import type { FormatParser } from "../types.js";
import { parseItem } from "./parse-item.js";

// `.secrets.baseline` (v1.x and pre-1.0 [DS]): `results` maps a file to its secrets. Only a SHA-1
// of each secret is kept, so the identity is type + hashed_secret, as detect-secrets keys it.
const itemSchema = z.object({
  type: z.string(),
  filename: z.string().optional(),
  hashed_secret: z.string(),
  line_number: z.number().optional(),
  is_verified: z.boolean().optional(),
  is_secret: z.boolean().optional(),
});

export const detectSecrets: FormatParser = {
  format: "detect-secrets",
  framing: {
    kind: "json",
    patterns: [["results", ANY_KEY, ANY_INDEX], ["generated_at"]],
    roots: ["object"],
  },
  createParser: (ctx) => {
    let generatedAt: string | undefined;
    return (item) => {
      if (item.pattern === 1) {
        generatedAt = typeof item.value === "string" ? item.value : undefined;
        return [];
      }
      const s = parseItem(itemSchema, item, ctx);
      const file = s.filename ?? String(item.path[1]);
      return [
        keyedRecord(
          {
            source: "detect-secrets",
            rule: s.type,
            ruleTitle: s.type,
            location: {
              source: "detect-secrets",
              file,
              ...(s.line_number ? { lineReported: s.line_number } : {}),
            },
            // An audited "not a secret" is a decision, not a fix.
            status: s.is_secret === false ? "suppressed" : "open",
            ...(generatedAt ? { detectedAt: generatedAt } : {}),
            ingestedAt: ctx.ingestedAt,
            tags: s.is_verified ? ["verified"] : [],
          },
          "secret",
          `detect-secrets:${s.type}:${s.hashed_secret}`,
          { preview: "********" },
        ),
      ];
    };
  },
};
