import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createServer } from "node:tls";
import { describe, expect, it } from "vitest";
import { collectFindings, scanTlsEndpoint } from "../../../src/ingest/index.js";
import { scratchDir } from "../../helpers/scratch-dir.js";

const dir = scratchDir("closeloop-certs-");

function selfSigned(name: string, days: number): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      String(days),
      "-subj",
      `/CN=${name}`,
    ],
    { stdio: "ignore" },
  );
  return { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") };
}

const soon = selfSigned("soon.example", 5);
selfSigned("later.example", 400);

describe("certificates", () => {
  it("reports only the certificates of a directory that expire within the horizon", async () => {
    const result = await collectFindings(dir, { certificateHorizonDays: 30 });

    expect(result.format).toBe("certificate");
    expect(result.records).toHaveLength(1);
    expect(result.records[0]!.finding).toMatchObject({
      kind: "certificate",
      detector: "certificate-expiry",
      severity: "high",
      status: "open",
    });
    expect(result.records[0]!.finding.preview).toMatch(/^soon\.example/);
  });

  it("reads the certificate a TLS endpoint presents", async () => {
    const server = createServer({ cert: soon.cert, key: soon.key }, (socket) =>
      socket.end(),
    );
    await new Promise<void>((resolve) =>
      server.listen(0, "127.0.0.1", resolve),
    );
    const { port } = server.address() as AddressInfo;

    try {
      const check = await scanTlsEndpoint("127.0.0.1", port, {
        certificateHorizonDays: 30,
      });

      expect(check.subject).toMatch(/CN=soon\.example/);
      expect(check.record?.finding).toMatchObject({
        hints: { certificateEndpoint: `127.0.0.1:${port}` },
        locations: [{ source: "tls", resource: `127.0.0.1:${port}` }],
      });
    } finally {
      server.close();
    }
  });
});
