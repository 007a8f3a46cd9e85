import { createHash } from "node:crypto";
import axios from "axios";
import { z } from "zod";

/**
 * Reads the sandbox's Jira issue back the way a person or an auditor would, over the REST API with
 * their own login, independently of closeloop's adapter.
 */
const issueSchema = z.object({
  id: z.string(),
  key: z.string(),
  fields: z.object({
    status: z
      .object({
        name: z.string(),
        statusCategory: z.object({ key: z.string() }),
      })
      .nullable(),
    resolution: z.object({ name: z.string() }).nullish(),
    attachment: z
      .array(z.object({ filename: z.string(), content: z.string() }))
      .default([]),
  }),
});
const remoteLinksSchema = z.array(
  z.object({ object: z.object({ url: z.string(), title: z.string() }) }),
);

export interface IssueReadback {
  id: string;
  key: string;
  statusName: string;
  /** `new`, `indeterminate` or `done` (reference/jira.md §3.3). */
  statusCategory: string;
  resolution: string | null;
  /** Each attachment with the SHA-256 of the bytes downloaded now. */
  attachments: { fileName: string; sha256: string }[];
}

/** The basic-auth header of a Jira Cloud account and its API token. */
export function jiraBasicAuth(email: string, apiToken: string): string {
  return `Basic ${Buffer.from(`${email}:${apiToken}`).toString("base64")}`;
}

function client(baseUrl: string, authorization: string) {
  return axios.create({
    baseURL: baseUrl,
    headers: { accept: "application/json", authorization },
    timeout: 10_000,
  });
}

export async function readJiraIssue(
  baseUrl: string,
  idOrKey: string,
  authorization: string,
): Promise<IssueReadback> {
  const http = client(baseUrl, authorization);
  const issue = issueSchema.parse(
    (
      await http.get(`/rest/api/3/issue/${encodeURIComponent(idOrKey)}`, {
        params: { fields: "status,resolution,attachment" },
      })
    ).data,
  );

  const attachments: IssueReadback["attachments"] = [];
  for (const attachment of issue.fields.attachment) {
    const file = await http.get<ArrayBuffer>(attachment.content, {
      responseType: "arraybuffer",
    });
    const sha256 = createHash("sha256")
      .update(Buffer.from(file.data))
      .digest("hex");
    attachments.push({ fileName: attachment.filename, sha256 });
  }
  return {
    id: issue.id,
    key: issue.key,
    statusName: issue.fields.status?.name ?? "",
    statusCategory: issue.fields.status?.statusCategory.key ?? "",
    resolution: issue.fields.resolution?.name ?? null,
    attachments,
  };
}

/**
 * The issue's remote links (`GET /issue/{id}/remotelink`), e.g. the ServiceNow change it hangs
 * off. Null when the Jira in front of us does not serve remote links at all.
 */
export async function readRemoteLinks(
  baseUrl: string,
  idOrKey: string,
  authorization: string,
): Promise<{ url: string; title: string }[] | null> {
  const response = await client(baseUrl, authorization).get(
    `/rest/api/3/issue/${encodeURIComponent(idOrKey)}/remotelink`,
    { validateStatus: () => true },
  );
  if (response.status !== 200) return null;
  const parsed = remoteLinksSchema.safeParse(response.data);
  return parsed.success ? parsed.data.map((link) => link.object) : null;
}
