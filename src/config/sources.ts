import { z } from "zod";
import {
  certificatesSourceSchema,
  gitguardianSourceSchema,
  githubAlertsSourceSchema,
  NAMES_NOTHING,
  namesSomething,
} from "../ingest/pull/index.js";

export const DEFAULT_SOURCE_INTERVAL_MS = 10 * 60_000;

/** What every configured pull source has beside its API settings. */
const scheduled = {
  /** Named by `closeloop ingest --source ID` and in logs. */
  id: z.string().min(1),
  /** `closeloop run` pulls the source this often; the first pull is at start-up. */
  intervalMs: z.number().int().min(10_000).default(DEFAULT_SOURCE_INTERVAL_MS),
};

const sourceSchemas = [
  githubAlertsSourceSchema.extend(scheduled),
  gitguardianSourceSchema.extend(scheduled),
  certificatesSourceSchema
    .extend(scheduled)
    .refine(namesSomething, NAMES_NOTHING),
] as const;

/** `sources[]`: finding APIs closeloop pulls on its own (ingest's `pullSourceSchema`, plus id). */
export const sourceConfigSchema = z.discriminatedUnion("kind", sourceSchemas, {
  error: (issue) =>
    issue.code === "invalid_union"
      ? `kind must be one of ${sourceSchemas.map((s) => s.shape.kind.value).join(", ")}`
      : undefined,
});

export type SourceConfig = z.output<typeof sourceConfigSchema>;
