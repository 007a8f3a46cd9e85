import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { SecretValue } from "../../../src/domain/secret.js";
import { CloseloopError } from "../../../src/domain/errors.js";
import {
  createWinstonLogger,
  type WinstonLoggerOptions,
} from "../../../src/logging/winston-logger.js";

function capture(options: Partial<WinstonLoggerOptions> = {}) {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")));
  const logger = createWinstonLogger({
    level: "debug",
    format: "json",
    stream,
    ...options,
  });
  const output = async (): Promise<string> => {
    await new Promise((resolve) => setImmediate(resolve));
    return chunks.join("");
  };
  return { logger, output };
}

const RAW = "s3cr3t-Value-that-leaked-9f8e7d";

describe("createWinstonLogger", () => {
  it("writes one JSON line per event with the event name and fields", async () => {
    const { logger, output } = capture();

    logger.info("ticket.created", { findingId: "f1", ticket: { key: "CHG1" } });

    const line = JSON.parse((await output()).trim()) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: "info",
      event: "ticket.created",
      findingId: "f1",
      ticket: { key: "CHG1" },
    });
    expect(typeof line["time"]).toBe("string");
  });

  it("carries child fields on every line of the child", async () => {
    const { logger, output } = capture();

    logger.child({ jobId: "j1" }).child({ findingId: "f2" }).warn("step.retry");

    const line = JSON.parse((await output()).trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ jobId: "j1", findingId: "f2" });
  });

  it("drops events below the configured level", async () => {
    const { logger, output } = capture({ level: "info" });

    logger.debug("noise");
    logger.info("signal");

    const text = await output();
    expect(text).toContain("signal");
    expect(text).not.toContain("noise");
  });

  it("does not even format an event below the level: its fields are never read", async () => {
    let asked = 0;
    const { logger, output } = capture({
      level: "warn",
      redactValues: () => {
        asked += 1;
        return [];
      },
    });
    const fields = {
      get fingerprint(): string {
        throw new Error("a dropped event's fields were read");
      },
    };

    logger.info("finding.ingested", fields);
    logger.debug("finding.ingested", fields);
    logger.warn("kept");

    expect(await output()).toContain("kept");
    expect(asked).toBeGreaterThan(0);
    const before = asked;
    logger.info("finding.ingested", fields);
    expect(asked).toBe(before);
  });

  it("masks sensitive field names at any depth, whatever their case", async () => {
    const { logger, output } = capture();

    logger.info("request.sent", {
      headers: { Authorization: "Basic Zm9vOmJhcg==", Cookie: "sid=abc123" },
      body: { Password: "hunter2-long", client_secret: "cs-1234567" },
      nested: [{ apiKey: "k-1234567" }, { private_key: "pk-1234567" }],
      secretHash: "ab12",
    });

    const text = await output();
    for (const leaked of [
      "Zm9vOmJhcg",
      "sid=abc123",
      "hunter2",
      "cs-1234567",
    ]) {
      expect(text).not.toContain(leaked);
    }
    expect(text).not.toContain("k-1234567");
    expect(text).not.toContain("pk-1234567");
    expect(text).toContain('"secretHash":"ab12"');
  });

  it("masks registered raw values wherever they appear, even in messages", async () => {
    const secrets = [RAW];
    const { logger, output } = capture({ redactValues: () => secrets });

    logger.error("action.failed", {
      error: new CloseloopError("X", `login failed for ${RAW}`),
      note: `value=${RAW};`,
    });

    const text = await output();
    expect(text).not.toContain(RAW);
    expect(text).toContain("[REDACTED]");
    expect(text).toContain('"code":"X"');
  });

  it("masks SecretValue instances and credential patterns", async () => {
    const { logger, output } = capture({ format: "pretty" });

    logger.info("probe.start", {
      holder: { value: new SecretValue(RAW) },
      url: "postgres://svc:pa55word@db.internal:5432/app",
      header: "Bearer eyJhbGciOiJIUzI1NiJ9.abcdefgh",
      aws: "AKIAABCDEFGHIJKLMNOP",
      gh: "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    });

    const text = await output();
    for (const leaked of [
      RAW,
      "pa55word",
      "eyJhbGciOiJIUzI1NiJ9",
      "AKIAABCDEFGHIJKLMNOP",
      "ghp_abcdefghij",
    ]) {
      expect(text).not.toContain(leaked);
    }
    expect(text).toContain("probe.start");
    expect(text).toContain("db.internal:5432");
  });

  it("survives circular fields", async () => {
    const { logger, output } = capture();
    const loop: Record<string, unknown> = { name: "a" };
    loop["self"] = loop;

    logger.info("loop", { loop });

    expect(await output()).toContain("[Circular]");
  });
});
