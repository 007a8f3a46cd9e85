import { http } from "msw";
import type { HttpHandler } from "msw";
import { iamOperations, type IamSimOptions } from "./iam-operations.js";
import { createAwsSimState, findKeyOwner } from "./state.js";
import type { AwsSimSeed, AwsSimState } from "./state.js";
import { elements, xmlError, xmlResponse } from "./xml.js";
import { html } from "../page/html.js";

export interface AwsSimulatorOptions extends Partial<IamSimOptions> {
  /** Base URL the IAM client is pointed at, e.g. `http://127.0.0.1:4566/iam/`. */
  iamUrl: string;
  stsUrl: string;
  seed?: AwsSimSeed;
}

export interface AwsSimulator {
  name: string;
  state: AwsSimState;
  iamUrl: string;
  stsUrl: string;
  /** Answers one request, or null when it is not addressed to this simulator. */
  handle(request: Request): Promise<Response | null>;
  handlers(): HttpHandler[];
  /** Its part of the sandbox page: users and key states, values escaped. */
  renderSection(): string;
}

/**
 * A simulated IAM + STS speaking the real query protocol (form-encoded `Action=…`, XML answers),
 * so tests run the AWS SDK's own serialisers and error parsing (targets.md §3.6).
 */
export function createAwsSimulator(options: AwsSimulatorOptions): AwsSimulator {
  const state = createAwsSimState(options.seed);
  const iamOptions: IamSimOptions = {
    staleAcceptsAfterRevoke: options.staleAcceptsAfterRevoke ?? 0,
  };

  async function handle(request: Request): Promise<Response | null> {
    if (request.method !== "POST") return null;
    // Paths, not hosts: served over HTTP the port is known only once the server listens.
    const path = new URL(request.url).pathname;
    const service = path.startsWith(new URL(options.iamUrl).pathname)
      ? "iam"
      : path.startsWith(new URL(options.stsUrl).pathname)
        ? "sts"
        : null;
    if (service === null) return null;

    const params = new URLSearchParams(await request.text());
    const action = params.get("Action") ?? "";
    state.calls.push(`${service}:${action}`);
    if (service === "sts") return answerSts(state, action, params, request);

    const operation = iamOperations[action];
    if (operation === undefined) {
      return xmlError("iam", 400, "InvalidAction", `unknown ${action}`);
    }
    return operation(state, params, iamOptions);
  }

  const handlers = (): HttpHandler[] =>
    [options.iamUrl, options.stsUrl].map((base) =>
      http.post(`${base}*`, async ({ request }) => {
        const answer = await handle(request);
        return answer ?? new Response(null, { status: 404 });
      }),
    );

  return {
    name: "aws",
    state,
    renderSection: () => renderAwsSection(state),
    iamUrl: options.iamUrl,
    stsUrl: options.stsUrl,
    handle,
    handlers,
  };
}

/** The key id the request was signed with, read from the SigV4 `Credential=` scope. */
export function signingKeyId(request: Request): string | null {
  const auth = request.headers.get("authorization") ?? "";
  const match = /Credential=([A-Z0-9]+)\//.exec(auth);
  return match?.[1] ?? null;
}

function invalidClientToken(): Response {
  return xmlError(
    "sts",
    403,
    "InvalidClientTokenId",
    "The security token included in the request is invalid",
  );
}

function answerSts(
  state: AwsSimState,
  action: string,
  params: URLSearchParams,
  request: Request,
): Response {
  if (action === "GetAccessKeyInfo") {
    return getAccessKeyInfo(state, params, request);
  }
  if (action !== "GetCallerIdentity") {
    return xmlError("sts", 400, "InvalidAction", `unknown ${action}`);
  }

  const keyId = signingKeyId(request) ?? "";
  const stale = state.staleAccepts.get(keyId) ?? 0;
  if (stale > 0) state.staleAccepts.set(keyId, stale - 1);
  const owner = findKeyOwner(state, keyId);
  const active = owner?.keys.get(keyId)?.status === "Active";
  if (!active && stale === 0) {
    // Same answer for unknown, deleted and inactive keys (targets.md §3.5).
    return invalidClientToken();
  }

  const userName = owner?.userName ?? "deleted-user";
  return xmlResponse(
    "sts",
    "GetCallerIdentity",
    elements({
      Arn: `arn:aws:iam::${state.accountId}:user/${userName}`,
      UserId: keyId,
      Account: state.accountId,
    }),
  );
}

/**
 * The account a key id belongs to, asked with the caller's own (active) key. AWS reads the account
 * out of the key id itself, so a deleted key still answers (targets.md §3.2): here a key of
 * `foreignKeys` names its account, and every other key, known or not, is this account's.
 */
function getAccessKeyInfo(
  state: AwsSimState,
  params: URLSearchParams,
  request: Request,
): Response {
  const signer = signingKeyId(request) ?? "";
  if (findKeyOwner(state, signer)?.keys.get(signer)?.status !== "Active") {
    return invalidClientToken();
  }
  const keyId = params.get("AccessKeyId") ?? "";
  const account = state.foreignKeys.get(keyId) ?? state.accountId;
  return xmlResponse("sts", "GetAccessKeyInfo", elements({ Account: account }));
}

function renderAwsSection(state: AwsSimState): string {
  const rows = [...state.users.values()].flatMap((user) =>
    [...user.keys.values()].map(
      (key) =>
        html`<tr>
          <td>${user.userName}</td>
          <td>${key.accessKeyId}</td>
          <td>${key.status}</td>
        </tr>`,
    ),
  );
  return html`<section>
    <h2>AWS IAM (simulated)</h2>
    <table>
      <tr>
        <th>user</th>
        <th>access key</th>
        <th>status</th>
      </tr>
      ${rows}
    </table>
  </section>`.value;
}
