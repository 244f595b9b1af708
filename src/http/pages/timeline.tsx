import type { CheckResultRow, EvaluationRow } from "../../db/queries/evaluations.js";
import { ResultBadge } from "./check-card.js";
import { formatNumber, formatTime } from "./format.js";
import { Scroll } from "./layout.js";

export type EvaluationWithChecks = EvaluationRow & { checks: CheckResultRow[] };

/** Every evaluation, newest first: its verdict, score, and each check's result, one column per check. */
export function Timeline(props: { evaluations: EvaluationWithChecks[]; total: number }) {
  const { evaluations } = props;
  if (evaluations.length === 0) return <p>No evaluation has run yet.</p>;
  const names = [...new Set(evaluations.flatMap((evaluation) => evaluation.checks.map((check) => check.checkName)))];
  return (
    <>
      {props.total > evaluations.length ? (
        <p class="muted">
          The newest {evaluations.length} of {props.total} evaluations.
        </p>
      ) : null}
      <Scroll label="Evaluations">
        <table class="wide">
          <caption class="visually-hidden">Evaluations of this rollout, newest first, with each check's result</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Evaluated</th>
              <th scope="col">Verdict</th>
              <th scope="col" class="num">Score</th>
              {names.map((name) => (
                <th scope="col">{name}</th>
              ))}
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {evaluations.map((evaluation) => {
              const byName = new Map(evaluation.checks.map((check) => [check.checkName, check]));
              return (
                <tr class={evaluation.verdict === "halt" ? "halt" : undefined}>
                  <td class="num">{evaluation.sequence}</td>
                  <th scope="row" class="nowrap">
                    <time datetime={evaluation.evaluatedAt.toISOString()}>{formatTime(evaluation.evaluatedAt)}</time>
                    {evaluation.trigger === "request" ? <span class="muted"> (on request)</span> : null}
                  </th>
                  <td>
                    <ResultBadge result={evaluation.verdict} />
                    {evaluation.isFinal ? " final" : null}
                  </td>
                  <td class="num">{formatNumber(evaluation.score)}</td>
                  {names.map((name) => {
                    const check = byName.get(name);
                    return <td>{check ? <ResultBadge result={check.result} /> : <span class="muted">not run</span>}</td>;
                  })}
                  <td class="reason">{evaluation.reason}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Scroll>
    </>
  );
}
