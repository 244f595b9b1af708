/** Approvers every test app knows; their tokens are sent as `Authorization: Bearer <token>`. */
export const APPROVERS = [
  { name: "alice", groups: ["sre"], token: "alice-token-0123456789abcdef" },
  { name: "bob", groups: ["release-managers"], token: "bob-token-0123456789abcdef" },
  { name: "carol", groups: ["sre", "release-managers"], token: "carol-token-0123456789abcdef" },
  { name: "mallory", groups: [], token: "mallory-token-0123456789abcdef" },
];

export const bearer = (name: string) => ({ authorization: `Bearer ${APPROVERS.find((approver) => approver.name === name)?.token ?? "unknown"}` });
