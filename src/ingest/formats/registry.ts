import { assertNever } from "../../domain/errors.js";
import type { FormatName, FormatParser } from "../types.js";
import { accessAnalyzer } from "./access-analyzer.js";
import { asff } from "./asff.js";
import { detectSecrets } from "./detect-secrets.js";
import { ggshield } from "./ggshield.js";
import { gitguardianApi } from "./gitguardian-api.js";
import { githubSecretScanning } from "./github-secret-scanning.js";
import { gitleaksCsv } from "./gitleaks-csv.js";
import { gitleaksJson } from "./gitleaks-json.js";
import { ocsf } from "./ocsf.js";
import { sarif } from "./sarif.js";
import { trufflehog } from "./trufflehog.js";

/** The parser of a streamed format (certificates are read by `readCertificates`). */
export function parserFor(
  format: Exclude<FormatName, "certificate">,
): FormatParser {
  switch (format) {
    case "gitleaks-json":
      return gitleaksJson;
    case "gitleaks-csv":
      return gitleaksCsv;
    case "sarif":
      return sarif;
    case "trufflehog":
      return trufflehog;
    case "github-secret-scanning":
      return githubSecretScanning;
    case "ggshield":
      return ggshield;
    case "gitguardian-api":
      return gitguardianApi;
    case "detect-secrets":
      return detectSecrets;
    case "ocsf":
      return ocsf;
    case "asff":
      return asff;
    case "access-analyzer":
      return accessAnalyzer;
    default:
      return assertNever(format, "format");
  }
}
