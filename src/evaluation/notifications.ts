import type { ApprovalStatus } from "../analysis/approvals.js";
import type { Verdict } from "../analysis/types.js";
import type { RolloutRow } from "../db/queries/rollouts.js";

export type NotificationEvent = "halt" | "approval-requested" | "continue";

/** An operator-configured receiver of notifications (never set by API callers). */
export interface NotificationTarget {
  name: string;
  /** `webhook`: Canary Gate's JSON; `slack` and `teams`: their incoming-webhook message formats. */
  type: "webhook" | "slack" | "teams";
  url: string;
  headers: Record<string, string>;
  events: NotificationEvent[];
}

export type NotificationTargets = NotificationTarget[];

export interface NewNotification {
  target: string;
  event: NotificationEvent;
  payload: Record<string, unknown>;
  nextAttemptAt: Date;
}

interface Moment {
  rollout: RolloutRow;
  previous: RolloutRow;
  verdict: Verdict;
  isFinal: boolean;
  reason: string;
  approval: ApprovalStatus | null;
  publicUrl: string;
  now: Date;
}

/** Which notifications an evaluation causes: a final halt, a final continue, an approval request. */
export function notificationsFor(targets: NotificationTargets | undefined, moment: Moment): NewNotification[] {
  if (!targets?.length) return [];
  const event: NotificationEvent | null =
    moment.isFinal && moment.verdict === "halt" ? "halt" : moment.isFinal && moment.verdict === "continue" ? "continue" : moment.approval?.state === "waiting" ? "approval-requested" : null;
  if (!event) return [];
  return targets.filter((target) => target.events.includes(event)).map((target) => ({ target: target.name, event, payload: formatMessage(target.type, event, moment), nextAttemptAt: moment.now }));
}

const TITLES: Record<NotificationEvent, string> = {
  halt: "Canary Gate halted a rollout",
  continue: "Canary Gate passed a rollout",
  "approval-requested": "Canary Gate asks for an approval",
};

/** The body sent to a target, in its own format. */
export function formatMessage(type: NotificationTarget["type"], event: NotificationEvent, moment: Moment): Record<string, unknown> {
  const { rollout } = moment;
  const link = `${moment.publicUrl}/rollouts/${rollout.id}`;
  const subject = `${rollout.service} ${rollout.version} in ${rollout.environment} (gate ${rollout.gateName})`;
  const text = `${TITLES[event]}: ${subject}. ${moment.reason}`;
  if (type === "slack") {
    return {
      text,
      blocks: [
        { type: "header", text: { type: "plain_text", text: TITLES[event] } },
        { type: "section", text: { type: "mrkdwn", text: `*${subject}*\n${moment.reason}` } },
        { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Investigate" }, url: link }] },
      ],
    };
  }
  if (type === "teams") {
    return {
      type: "message",
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          content: {
            $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
            type: "AdaptiveCard",
            version: "1.4",
            body: [
              { type: "TextBlock", size: "Medium", weight: "Bolder", text: TITLES[event] },
              { type: "TextBlock", text: subject, wrap: true },
              { type: "TextBlock", text: moment.reason, wrap: true },
            ],
            actions: [{ type: "Action.OpenUrl", title: "Investigate", url: link }],
          },
        },
      ],
    };
  }
  return {
    event,
    rollout: { id: rollout.id, gate: rollout.gateName, service: rollout.service, environment: rollout.environment, version: rollout.version, phase: rollout.phase },
    verdict: moment.verdict,
    final: moment.isFinal,
    reason: moment.reason,
    approval: moment.approval ? { state: moment.approval.state, summary: moment.approval.summary } : null,
    investigationUrl: link,
    sentAt: moment.now.toISOString(),
  };
}
