/** Switches a test or the demo flips to make the org misbehave the way §2.4/§2.6 describe. */
export class SalesforceFaults {
  /** Every REST call answers 401, even with a fresh token: jsforce's refresh-loop trap. */
  rejectEverySession = false;
  /** The token endpoint refuses every grant with `invalid_grant`. */
  tokenEndpointRefuses = false;
  /** The revoke endpoint answers 200 but the token stays alive (SwiftlySalesforce #120). */
  ignoreRevoke = false;
  /** PATCH User {IsActive:false} is refused: the user is referenced by a field update. */
  blockDeactivation = false;
}
