import { readCertificates } from "../certificates/read-certificates.js";
import {
  scanTlsEndpoint,
  tlsEndpointOf,
} from "../certificates/scan-tls-endpoint.js";
import { InputError, messageOf } from "../../domain/errors.js";
import type { IngestRecord } from "../types.js";
import type { PullDeps } from "./http-client.js";
import type { CertificatesSource } from "./schema.js";

/**
 * The certificates a source names that expire within its horizon. An endpoint that cannot be
 * reached is logged and passed over: the others are still checked, and a certificate not read
 * this time resolves nothing (only proof from the target does). A path that cannot be read
 * fails the pull: that is the configuration's mistake, not the network's.
 */
export async function* pullCertificates(
  source: CertificatesSource,
  deps: PullDeps,
): AsyncGenerator<IngestRecord> {
  const now = deps.now?.() ?? new Date();
  const options = { certificateHorizonDays: source.horizonDays, now };
  for (const [i, path] of source.paths.entries()) {
    yield* await readCertificates(path, options).catch((cause: unknown) => {
      throw new InputError(
        "CERTIFICATE_PATH_UNREADABLE",
        `paths[${i}] ${path}: cannot be read (${messageOf(cause)})`,
        { cause, details: { path } },
      );
    });
  }
  for (const endpoint of source.endpoints) {
    const at = tlsEndpointOf(endpoint);
    if (at === null) continue;
    try {
      const check = await scanTlsEndpoint(at.host, at.port, {
        ...options,
        timeoutMs: source.timeoutMs,
      });
      if (check.record !== null) yield check.record;
    } catch (error) {
      deps.logger.warn("certificate.endpoint_unreachable", {
        endpoint,
        error: messageOf(error),
      });
    }
  }
}
