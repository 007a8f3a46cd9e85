const JSON_TYPE = "application/json;charset=UTF-8";

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": JSON_TYPE },
  });
}

/** REST errors are an array of `{message, errorCode}` (targets.md §2.3, restforce fixtures). */
export function apiError(
  status: number,
  errorCode: string,
  message: string,
): Response {
  return jsonResponse([{ message, errorCode }], status);
}

export const invalidSession = (): Response =>
  apiError(401, "INVALID_SESSION_ID", "Session expired or invalid");

export const notFound = (): Response =>
  apiError(404, "NOT_FOUND", "The requested resource does not exist");

/** The token endpoint answers JSON `{error, error_description}` (§2.1). */
export function oauthError(
  error: string,
  description: string,
  status = 400,
): Response {
  return jsonResponse({ error, error_description: description }, status);
}

/** The revoke endpoint's 400 is form-encoded text, not JSON (§2.2, omniphx/forrest #213). */
export function revokeError(error: string, description: string): Response {
  const body = new URLSearchParams({
    error,
    error_description: description,
  }).toString();
  return new Response(body, {
    status: 400,
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
}

export const noContent = (): Response => new Response(null, { status: 204 });
