/** Domain errors: they know nothing of HTTP; http/problem.ts maps each code to a status once. */
export class DomainError extends Error {
  constructor(
    readonly code: "rollout-not-found" | "gate-not-found" | "gate-invalid" | "rollout-invalid" | "rollout-final" | "invalid-input" | "unauthenticated" | "forbidden" | "no-approval-requested",
    message: string,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export class RolloutNotFound extends DomainError {
  constructor(id: string) {
    super("rollout-not-found", `rollout ${id} does not exist`);
  }
}

export class GateNotFound extends DomainError {
  constructor(name: string, version?: number) {
    super("gate-not-found", version === undefined ? `gate "${name}" does not exist` : `gate "${name}" has no version ${version}`);
  }
}

export class GateInvalid extends DomainError {
  constructor(issues: Array<{ path: string; message: string }>) {
    super("gate-invalid", `the gate definition is invalid: ${issues.map((issue) => `${issue.path || "(gate)"}: ${issue.message}`).join("; ")}`, issues);
  }
}

export class RolloutInvalid extends DomainError {
  constructor(issues: Array<{ path: string; message: string }>) {
    super("rollout-invalid", issues.map((issue) => `${issue.path}: ${issue.message}`).join("; "), issues);
  }
}

export class RolloutFinal extends DomainError {
  constructor(id: string, verdict: string) {
    super("rollout-final", `rollout ${id} is already final (${verdict})`);
  }
}

export class InvalidInput extends DomainError {
  constructor(issues: Array<{ path: string; message: string }>) {
    super("invalid-input", issues.map((issue) => `${issue.path}: ${issue.message}`).join("; "), issues);
  }
}

export class Unauthenticated extends DomainError {
  constructor(what: string) {
    super("unauthenticated", what);
  }
}

export class Forbidden extends DomainError {
  constructor(what: string) {
    super("forbidden", what);
  }
}

export class NoApprovalRequested extends DomainError {
  constructor(id: string, why: string) {
    super("no-approval-requested", `rollout ${id} is not awaiting an approval: ${why}`);
  }
}
