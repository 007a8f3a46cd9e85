import type { SecretValue } from "../domain/secret.js";

export interface TokenOutcome {
  authenticated: boolean;
  /** The HTTP status and, when it authenticated, the login: never the token. */
  observed: string;
}

/**
 * `GET /user` with the leaked token, as whoever found it would try it: the proof the demo shows
 * beside closeloop's own probe.
 */
export async function githubTokenOutcome(
  apiUrl: string,
  token: SecretValue,
): Promise<TokenOutcome> {
  const response = await fetch(`${apiUrl}/user`, {
    headers: {
      authorization: `Bearer ${token.reveal()}`,
      accept: "application/vnd.github+json",
    },
    signal: AbortSignal.timeout(10_000),
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message =
      typeof body === "object" && body !== null && "message" in body
        ? String(body.message)
        : "";
    return {
      authenticated: false,
      observed: `${response.status} ${message}`.trim(),
    };
  }
  const login =
    typeof body === "object" && body !== null && "login" in body
      ? String(body.login)
      : "?";
  return { authenticated: true, observed: `${response.status} as ${login}` };
}
