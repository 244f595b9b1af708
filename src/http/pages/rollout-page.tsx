import { ApprovalsSection, type ApprovalsView } from "./approvals-section.js";
import type { Child } from "hono/jsx";
import type { RolloutRow } from "../../db/queries/rollouts.js";
import { CheckCard, ResultBadge, type CheckView } from "./check-card.js";
import { ExternalLink, type LinkTargets } from "./check-evidence.js";
import { RESULT_ORDER, formatNumber, formatRelative, formatTime, grafanaDashboardUrl } from "./format.js";
import { Timeline, type EvaluationWithChecks } from "./timeline.js";

export interface RolloutPageProps {
  rollout: RolloutRow;
  /** Newest first. */
  evaluations: EvaluationWithChecks[];
  now: Date;
  links: LinkTargets;
}

/** The latest evaluation's checks, failing first, each with its details from every evaluation. */
export function checkViews(evaluations: EvaluationWithChecks[]): CheckView[] {
  const latest = evaluations[0];
  if (!latest) return [];
  const oldestFirst = [...evaluations].reverse();
  const rank = (result: string) => RESULT_ORDER.indexOf(result as (typeof RESULT_ORDER)[number]);
  return [...latest.checks]
    .sort((a, b) => rank(a.result) - rank(b.result) || Number(b.critical) - Number(a.critical) || a.position - b.position)
    .map((check) => ({
      name: check.checkName,
      result: check.result,
      critical: check.critical,
      summary: check.summary,
      details: check.details,
      history: oldestFirst.flatMap((evaluation) => evaluation.checks.filter((c) => c.checkName === check.checkName).map((c) => c.details)),
    }));
}

function Verdict(props: { rollout: RolloutRow; now: Date }) {
  const { rollout, now } = props;
  return (
    <section class={`banner ${rollout.verdict}`} aria-labelledby="verdict">
      <h2 id="verdict" class="verdict">
        <ResultBadge result={rollout.verdict} /> {rollout.verdict === "halt" ? "Halt" : rollout.verdict === "continue" ? "Continue" : "Pending"}
        {rollout.isFinal ? ", final" : ", not final yet"}
      </h2>
      <p class="reason">{rollout.reason}</p>
      <dl class="facts">
        <dt>Score</dt>
        <dd>{rollout.score === null ? "none yet" : `${formatNumber(rollout.score)} of 100`}</dd>
        <dt>Evaluated</dt>
        <dd>
          {rollout.evaluatedAt ? (
            <>
              <time datetime={rollout.evaluatedAt.toISOString()}>{formatTime(rollout.evaluatedAt)}</time> ({formatRelative(rollout.evaluatedAt, now)}), {rollout.evaluationCount}{" "}
              {rollout.evaluationCount === 1 ? "evaluation" : "evaluations"}
            </>
          ) : (
            "not yet"
          )}
        </dd>
        <dt>Next evaluation</dt>
        <dd>
          {rollout.isFinal ? (
            "none: the verdict is final"
          ) : (
            <>
              <time datetime={rollout.nextEvaluationAt.toISOString()}>{formatTime(rollout.nextEvaluationAt)}</time> ({formatRelative(rollout.nextEvaluationAt, now)})
            </>
          )}
        </dd>
      </dl>
    </section>
  );
}

function Meta(props: { term: string; children: Child }) {
  return (
    <div>
      <dt>{props.term}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

/** Who and what: the rollout's identity first, its verdict right under the title, then where else to look. */
function Identity(props: { rollout: RolloutRow; now: Date; links: LinkTargets }) {
  const { rollout, links } = props;
  const labels = Object.entries(rollout.labels ?? {});
  const sameService = `/rollouts?${new URLSearchParams({ service: rollout.service, environment: rollout.environment })}`;
  return (
    <header>
      <p class="muted">Rollout investigation</p>
      <h1>
        {rollout.service} {rollout.version} in {rollout.environment}
      </h1>
      <Verdict rollout={rollout} now={props.now} />
      <dl class="meta">
        <Meta term="Gate">
          {rollout.gateName} (version {rollout.gateVersion})
        </Meta>
        <Meta term="Baseline">{rollout.baselineVersion ? `version ${rollout.baselineVersion}` : "the window before the rollout started"}</Meta>
        <Meta term="Started">
          <time datetime={rollout.startedAt.toISOString()}>{formatTime(rollout.startedAt)}</time>
        </Meta>
        {labels.length ? (
          <Meta term="Labels">
            {labels.map(([name, value]) => (
              <>
                <code>{`${name}=${value}`}</code>{" "}
              </>
            ))}
          </Meta>
        ) : null}
        <Meta term="Rollout id">
          <code>{rollout.id}</code>
        </Meta>
      </dl>
      <ul class="links" aria-label="Related pages">
        {links.grafanaUrl ? (
          <li>
            <ExternalLink href={grafanaDashboardUrl(links.grafanaUrl, rollout.id)}>Grafana dashboard for this rollout</ExternalLink>
          </li>
        ) : null}
        <li>
          <a href={sameService}>Other rollouts of {rollout.service} in {rollout.environment}</a>
        </li>
        <li>
          <a href={`/v1/rollouts/${rollout.id}`}>This rollout as JSON</a>
        </li>
      </ul>
    </header>
  );
}

export function RolloutPage(props: RolloutPageProps & { approvals?: ApprovalsView | null }) {
  const { rollout } = props;
  const checks = checkViews(props.evaluations);
  const failing = checks.filter((check) => check.result === "fail").length;
  return (
    <>
      <Identity rollout={rollout} now={props.now} links={props.links} />
      {props.approvals ? <ApprovalsSection rolloutId={rollout.id} view={props.approvals} /> : null}
      <section aria-labelledby="checks">
        <h2 id="checks">
          Checks{checks.length ? ` (${failing} of ${checks.length} failing, latest evaluation)` : ""}
        </h2>
        {checks.length === 0 ? <p>No evaluation has run yet, so there are no check results.</p> : null}
        {checks.map((check, index) => (
          <CheckCard check={check} index={index} startedAt={rollout.startedAt} links={props.links} />
        ))}
      </section>
      <section aria-labelledby="timeline">
        <h2 id="timeline">Evaluation timeline</h2>
        <Timeline evaluations={props.evaluations.slice(0, 100)} total={rollout.evaluationCount} />
      </section>
    </>
  );
}
