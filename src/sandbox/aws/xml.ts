/**
 * Query-protocol XML bodies as IAM and STS write them (shapes from the botocore response-parsing
 * fixtures in shared/fixtures/targets/aws, see targets.md §3.1).
 */
import { randomUUID } from "node:crypto";

const IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/";
const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";

export type AwsService = "iam" | "sts";

export function nextRequestId(): string {
  return randomUUID();
}

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** `<X>v</X>` for each entry, values escaped; nested strings are passed through as raw XML. */
export function elements(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join("");
}

export function members(items: string[]): string {
  return items.map((item) => `<member>${item}</member>`).join("");
}

export function xmlResponse(
  service: AwsService,
  action: string,
  resultXml: string | null,
): Response {
  const ns = service === "iam" ? IAM_NS : STS_NS;
  const result =
    resultXml === null ? "" : `<${action}Result>${resultXml}</${action}Result>`;
  const requestId = nextRequestId();
  const body =
    `<${action}Response xmlns="${ns}">${result}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
    `</${action}Response>`;
  return new Response(body, {
    status: 200,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
  });
}

export function xmlError(
  service: AwsService,
  status: number,
  code: string,
  message: string,
): Response {
  const ns = service === "iam" ? IAM_NS : STS_NS;
  const requestId = nextRequestId();
  const body =
    `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type>` +
    `<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>` +
    `</Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return new Response(body, {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
  });
}
