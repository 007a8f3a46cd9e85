import { connect } from "node:tls";
import type { X509Certificate } from "node:crypto";
import { CloseloopError } from "../../domain/errors.js";
import type { IngestRecord, ReadOptions } from "../types.js";
import { certificateRecord } from "./read-certificates.js";

export interface TlsScanOptions extends Pick<
  ReadOptions,
  "certificateHorizonDays" | "now"
> {
  servername?: string;
  timeoutMs?: number;
}

export interface TlsCheck {
  endpoint: string;
  subject: string;
  validTo: string;
  /** A finding when the certificate expires within the horizon, else null. */
  record: IngestRecord | null;
}

/**
 * Reads the certificate an endpoint presents. The chain is not verified on purpose: an expired or
 * self-signed certificate is exactly what this looks for, and no data is sent over the connection.
 */
export function scanTlsEndpoint(
  host: string,
  port: number,
  options: TlsScanOptions = {},
): Promise<TlsCheck> {
  const endpoint = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      servername:
        options.servername ?? (/^[\d.:]+$/.test(host) ? undefined : host),
      rejectUnauthorized: false,
      timeout: options.timeoutMs ?? 10_000,
    });
    const fail = (cause: unknown) => {
      socket.destroy();
      reject(
        new CloseloopError(
          "TLS_SCAN_FAILED",
          `could not read the certificate of ${endpoint}`,
          {
            cause,
            retryable: true,
            details: { endpoint },
          },
        ),
      );
    };
    socket.once("error", fail);
    socket.once("timeout", () => fail(new Error("timeout")));
    socket.once("secureConnect", () => {
      const cert: X509Certificate | undefined = socket.getPeerX509Certificate();
      socket.end();
      if (!cert) return fail(new Error("no certificate presented"));
      resolve({
        endpoint,
        subject: cert.subject,
        validTo: new Date(cert.validTo).toISOString(),
        record: certificateRecord(
          cert,
          { source: "tls", resource: endpoint },
          options,
        ),
      });
    });
  });
}

/**
 * `host:port` (a name, an IPv4 address or a bracketed IPv6 one) where no such file exists: the
 * certificate that endpoint presents is read instead of a report.
 */
export function tlsEndpointOf(
  target: string,
): { host: string; port: number } | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(
    target,
  );
  if (m === null) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65_535) return null;
  return { host: m[1] ?? m[2] ?? "", port };
}
