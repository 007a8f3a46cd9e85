import { z } from "zod";
import { secretRefSchema } from "../../config/secret-ref.js";
import { tlsEndpointOf } from "../certificates/scan-tls-endpoint.js";

/**
 * GitHub secret scanning alerts, for one repository or (without `repo`) a whole organisation
 * (reference/finding-formats.md §3). `state` defaults to `all`: the resolved alerts are how a
 * resolution reaches closeloop, since a pull that stops listing an alert proves nothing.
 */
export const githubAlertsSourceSchema = z
  .object({
    kind: z.literal("github-secret-scanning"),
    baseUrl: z.url().default("https://api.github.com"),
    owner: z.string().min(1),
    repo: z.string().min(1).optional(),
    token: secretRefSchema,
    /**
     * Ask GitHub to leave the raw value out (`hide_secret=true`). The alert is then identified by
     * `repository#number`; see github-alerts.ts for what this means for the fingerprint.
     */
    hideSecret: z.boolean().default(true),
    state: z.enum(["open", "resolved", "all"]).default("all"),
    perPage: z.number().int().min(1).max(100).default(100),
  })
  .strict();

/** GitGuardian secret incidents (`GET /v1/incidents/secrets`, reference §4). */
export const gitguardianSourceSchema = z
  .object({
    kind: z.literal("gitguardian"),
    baseUrl: z.url().default("https://api.gitguardian.com"),
    token: secretRefSchema,
    /** TRIGGERED, ASSIGNED, RESOLVED or IGNORED; every status when absent. */
    status: z.enum(["TRIGGERED", "ASSIGNED", "RESOLVED", "IGNORED"]).optional(),
    perPage: z.number().int().min(1).max(100).default(100),
  })
  .strict();

/**
 * Certificates closeloop checks itself, each pull: the ones TLS endpoints present and the PEM
 * files (or directories of them) named, a finding for each that expires within `horizonDays`.
 */
export const certificatesSourceSchema = z
  .object({
    kind: z.literal("certificates"),
    endpoints: z
      .array(
        z
          .string()
          .refine((e) => tlsEndpointOf(e) !== null, "expected host:port"),
      )
      .default([]),
    paths: z.array(z.string().min(1)).default([]),
    horizonDays: z.number().int().min(0).max(36_500).default(30),
    timeoutMs: z.number().int().min(100).default(10_000),
  })
  .strict();

/** A certificates source that names nothing to check is a mistake in its configuration. */
export const namesSomething = (s: { endpoints: string[]; paths: string[] }) =>
  s.endpoints.length + s.paths.length > 0;
export const NAMES_NOTHING = {
  message: "name at least one endpoint or path",
  path: ["endpoints"],
};

export const pullSourceSchema = z.discriminatedUnion("kind", [
  githubAlertsSourceSchema,
  gitguardianSourceSchema,
  certificatesSourceSchema.refine(namesSomething, NAMES_NOTHING),
]);

export type GithubAlertsSource = z.infer<typeof githubAlertsSourceSchema>;
export type GitguardianSource = z.infer<typeof gitguardianSourceSchema>;
export type CertificatesSource = z.infer<typeof certificatesSourceSchema>;
export type PullSource = z.infer<typeof pullSourceSchema>;
