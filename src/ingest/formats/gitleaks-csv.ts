import { z } from "zod";
import type { FormatParser } from "../types.js";
import { fromGitleaks } from "./gitleaks-json.js";
import { parseItem } from "./parse-item.js";

const int = z.coerce.number().int();

// Columns as in gitleaks testdata/expected/report/csv_simple.csv (reference §1);
// tags are space-separated.
const rowSchema = z.object({
  RuleID: z.string().min(1),
  Commit: z.string().optional(),
  File: z.string().min(1),
  SymlinkFile: z.string().optional(),
  Secret: z.string(),
  StartLine: int,
  StartColumn: int.optional(),
  Date: z.string().optional(),
  Tags: z.string().optional(),
});

export const gitleaksCsv: FormatParser = {
  format: "gitleaks-csv",
  framing: { kind: "csv" },
  createParser: (ctx) => (item) => {
    const row = parseItem(rowSchema, item, ctx);
    return [
      fromGitleaks(
        {
          RuleID: row.RuleID,
          StartLine: row.StartLine,
          ...(row.StartColumn !== undefined
            ? { StartColumn: row.StartColumn }
            : {}),
          Secret: row.Secret,
          File: row.File,
          ...(row.SymlinkFile ? { SymlinkFile: row.SymlinkFile } : {}),
          ...(row.Commit ? { Commit: row.Commit } : {}),
          ...(row.Date ? { Date: row.Date } : {}),
          Tags: (row.Tags ?? "").split(/\s+/).filter(Boolean),
        },
        ctx,
      ),
    ];
  },
};
