import { createHash } from "node:crypto";
import axios from "axios";
import { z } from "zod";
import { CloseloopError } from "../domain/errors.js";

/**
 * Reads the sandbox's change back the way a person or an auditor would, over the Table and
 * Attachment APIs with their own login, independently of closeloop's adapter.
 */
const STATE_LABELS: Record<string, string> = {
  "-5": "New",
  "-4": "Assess",
  "-3": "Authorize",
  "-2": "Scheduled",
  "-1": "Implement",
  "0": "Review",
  "3": "Closed",
  "4": "Canceled",
};

const changeListSchema = z.object({
  result: z.array(z.object({ sys_id: z.string(), number: z.string() })),
});
const changeSchema = z.object({
  result: z.object({
    number: z.string(),
    state: z.string(),
    close_code: z.string().optional(),
  }),
});
const attachmentListSchema = z.object({
  result: z.array(z.object({ sys_id: z.string(), file_name: z.string() })),
});

export interface ChangeReadback {
  number: string;
  stateLabel: string;
  closeCode: string;
  /** Each attachment with the SHA-256 of the bytes downloaded now. */
  attachments: { fileName: string; sha256: string }[];
}

function client(baseUrl: string, user: string, password: string) {
  return axios.create({
    baseURL: baseUrl,
    auth: { username: user, password },
    headers: { accept: "application/json" },
    timeout: 10_000,
  });
}

/** The sys_id of a change by its number: what a CAB member's list view links to. */
export async function findChangeSysId(
  baseUrl: string,
  number: string,
  user: string,
  password: string,
): Promise<string> {
  const response = await client(baseUrl, user, password).get(
    "/api/now/table/change_request",
    {
      params: {
        sysparm_query: `number=${number}`,
        sysparm_fields: "sys_id,number",
      },
    },
  );
  const found = changeListSchema
    .parse(response.data)
    .result.find((row) => row.number === number);
  if (found === undefined) {
    throw new CloseloopError(
      "DEMO_CHANGE_MISSING",
      `no change ${number} in the sandbox`,
    );
  }
  return found.sys_id;
}

export async function readClosedChange(
  baseUrl: string,
  sysId: string,
  user: string,
  password: string,
): Promise<ChangeReadback> {
  const http = client(baseUrl, user, password);
  const change = changeSchema.parse(
    (await http.get(`/api/now/table/change_request/${sysId}`)).data,
  ).result;
  const listed = attachmentListSchema.parse(
    (
      await http.get("/api/now/attachment", {
        params: { sysparm_query: `table_sys_id=${sysId}` },
      })
    ).data,
  ).result;

  const attachments: ChangeReadback["attachments"] = [];
  for (const attachment of listed) {
    const file = await http.get<ArrayBuffer>(
      `/api/now/attachment/${attachment.sys_id}/file`,
      { responseType: "arraybuffer" },
    );
    const sha256 = createHash("sha256")
      .update(Buffer.from(file.data))
      .digest("hex");
    attachments.push({ fileName: attachment.file_name, sha256 });
  }
  return {
    number: change.number,
    stateLabel: STATE_LABELS[change.state] ?? change.state,
    closeCode: change.close_code ?? "",
    attachments,
  };
}
