const JSON_TYPE = "application/json;charset=UTF-8";

export function jsonResponse(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": JSON_TYPE, ...headers },
  });
}

/** Every REST API error has this shape; the status lives only in the status line (reference §1). */
export function errorResponse(
  status: number,
  message: string,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  return jsonResponse(
    { error: { message, detail }, status: "failure" },
    status,
    headers,
  );
}

export const notFound = (): Response =>
  errorResponse(
    404,
    "No Record found",
    "Record doesn't exist or ACL restricts the record retrieval",
  );

export const unauthenticated = (): Response =>
  errorResponse(
    401,
    "User Not Authenticated",
    "Required to provide Auth information",
  );

export const invalidResource = (): Response =>
  errorResponse(
    400,
    "Requested URI does not represent any resource",
    "Please provide a valid URI",
  );

/**
 * What a sleeping developer instance answers: 200 and HTML, not an error status (cases BR-06,
 * reference §0.8).
 */
export function hibernationPage(): Response {
  const html =
    "<html><head><title>ServiceNow Developers</title></head><body>" +
    '<div class="instance-hibernating-page"><h1>Your instance is hibernating</h1>' +
    '<p class="information">Sign in to the site to wake your instance</p>' +
    "<button onclick=\"location.href='https://developer.servicenow.com/';\">" +
    "Sign in</button></div></body></html>";
  return new Response(html, {
    status: 200,
    headers: { "Content-Type": "text/html; charset=UTF-8" },
  });
}
