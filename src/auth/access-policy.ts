import type { Role } from "./roles.js";

/** What a route needs: a role, and whether PUBLIC_VERDICTS opens it (verdict reads for deploy tools). */
export interface Access {
  role: Role;
  isVerdictRead: boolean;
}

type Rule = { methods: string[]; path: RegExp; role: Role; isVerdictRead?: boolean };

const ID = "[^/]+";
// The one table of who may call what; a route not listed needs viewer to read and admin to change.
const RULES: Rule[] = [
  { methods: ["GET"], path: new RegExp(`^/v1/rollouts/${ID}/(verdict|gate)$`), role: "viewer", isVerdictRead: true },
  // The identity-based GETs start the rollout on first call, so a token needs deployer.
  { methods: ["GET"], path: new RegExp(`^/v1/gates/${ID}/(verdict|gate)$`), role: "deployer", isVerdictRead: true },
  { methods: ["POST"], path: new RegExp(`^/v1/gates/${ID}/(verdict|gate)$`), role: "deployer" },
  { methods: ["POST"], path: /^\/v1\/rollouts$/, role: "deployer" },
  { methods: ["POST"], path: new RegExp(`^/v1/rollouts/${ID}/(cancel|evaluate|invalidate)$`), role: "deployer" },
  { methods: ["PATCH"], path: new RegExp(`^/v1/rollouts/${ID}/properties$`), role: "deployer" },
  { methods: ["POST"], path: new RegExp(`^/v1/rollouts/${ID}/approvals$`), role: "approver" },
  { methods: ["POST"], path: new RegExp(`^/v1/flagger/${ID}$`), role: "deployer" },
  // Pure computation on the numbers sent: nothing is read or changed.
  { methods: ["POST"], path: /^\/v1\/analyze$/, role: "viewer" },
  { methods: ["GET", "POST", "DELETE"], path: /^\/v1\/tokens(\/|$)/, role: "admin" },
  // Where every backend lives and which secrets it holds: configuration for operators, not readers.
  { methods: ["GET"], path: /^\/v1\/sources(\/|$)/, role: "admin" },
];

export function accessFor(method: string, path: string): Access {
  const rule = RULES.find((candidate) => candidate.methods.includes(method) && candidate.path.test(path));
  if (rule) return { role: rule.role, isVerdictRead: rule.isVerdictRead ?? false };
  return { role: method === "GET" || method === "HEAD" ? "viewer" : "admin", isVerdictRead: false };
}
