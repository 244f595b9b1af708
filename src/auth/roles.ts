/** What a token may do: viewer reads; deployer and approver also act on rollouts; admin does everything. */
export const ROLES = ["viewer", "deployer", "approver", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Whether a token of `role` may use a route that needs `required`. */
export function allows(role: Role, required: Role): boolean {
  return role === required || role === "admin" || required === "viewer";
}

/** Who made a request, as the routes see it. `key` names the rate-limit bucket. */
export interface Principal {
  key: string;
  name: string;
  role: Role;
  groups: string[];
  /** The api_tokens row, when the principal is an API token. */
  tokenId: string | null;
}
