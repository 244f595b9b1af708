import type { CheckDetails } from "../../analysis/check-result.js";
import type { CheckOutcome, SampleSummary } from "../../analysis/types.js";
import { rateChartData, seriesChartData, summarize } from "./chart-data.js";
import { CheckChart } from "./check-chart.js";
import { CheckEvidence, type LinkTargets } from "./check-evidence.js";
import { formatDirection, formatEffect, formatNumber, formatPercentChange, formatPValue, formatShare, formatTolerance } from "./format.js";

export interface CheckView {
  name: string;
  result: CheckOutcome;
  critical: boolean;
  summary: string;
  /** The latest evaluation's details. */
  details: CheckDetails;
  /** The details in every evaluation that ran this check, oldest first. */
  history: CheckDetails[];
}

export function ResultBadge(props: { result: string }) {
  return <span class={`badge ${props.result}`}>{props.result}</span>;
}

/** One check: what it tested and how, the numbers, a chart of the data, and where to look next. */
export function CheckCard(props: { check: CheckView; index: number; startedAt: Date; links: LinkTargets }) {
  const { check } = props;
  const { details } = check;
  const id = `check-${props.index}`;
  return (
    <article class={`card ${check.result}`} aria-labelledby={`${id}-name`}>
      <div class="card-head">
        <h3 id={`${id}-name`}>{check.name}</h3>
        <ResultBadge result={check.result} />
        {check.critical ? <span class="tag">critical</span> : null}
        {details.type !== "metric" ? <span class="tag">{details.type} check</span> : null}
      </div>
      <p class="summary">{check.summary}</p>
      {details.rawResult && details.rawResult !== check.result ? (
        <p class="muted">
          The check itself reported <strong>{details.rawResult}</strong>; the gate counts that as <strong>{check.result}</strong>.
        </p>
      ) : null}
      <div class="card-body">
        <div>
          <Settings details={details} />
          <Numbers details={details} history={check.history} />
        </div>
        {details.kind ? (
          <div>
            <h4>Baseline and canary</h4>
            <CheckChart id={`${id}-chart`} name={check.name} kind={details.kind} history={check.history} startedAt={props.startedAt} />
          </div>
        ) : null}
      </div>
      <CheckEvidence details={details} history={check.history} links={props.links} />
    </article>
  );
}

function Fact(props: { term: string; value: string | number | null | undefined }) {
  if (props.value === null || props.value === undefined || props.value === "") return null;
  return (
    <>
      <dt>{props.term}</dt>
      <dd>{props.value}</dd>
    </>
  );
}

function Settings(props: { details: CheckDetails }) {
  const { details } = props;
  return (
    <>
      <h4>Test and settings</h4>
      <dl class="facts">
        <Fact term="Test" value={details.test ?? (details.type === "monitor" ? "no selected monitor may alert" : details.type === "http" ? "JSON condition" : null)} />
        <Fact term="Data" value={details.kind ? `${details.kind} from ${details.source}` : details.source} />
        <Fact term="Direction" value={details.direction ? formatDirection(details.direction) : null} />
        <Fact term="Tolerance" value={details.tolerance !== null && details.tolerance !== undefined ? formatTolerance(details) : null} />
        <Fact term="Alpha (false-alarm budget)" value={details.alpha !== null && details.alpha !== undefined ? formatNumber(details.alpha) : null} />
        <Fact term="Monitors matched" value={details.matched ?? null} />
      </dl>
    </>
  );
}

const SUMMARY_ROWS: Array<[keyof SampleSummary, string]> = [
  ["n", "n"],
  ["mean", "mean"],
  ["median", "median"],
  ["p95", "p95"],
];

/**
 * Sequential tests store no summaries (they keep running statistics instead), so for them the table
 * summarises the points the rollout read, as stored for the chart.
 */
function sideNumbers(details: CheckDetails, history: readonly CheckDetails[]) {
  if (details.baseline || details.canary || details.counts) return { summaries: { baseline: details.baseline, canary: details.canary }, counts: details.counts, fromSamples: false };
  if (details.kind === "series") {
    const data = seriesChartData(history);
    const summaries = { baseline: summarize(data.baseline), canary: summarize(data.canary) };
    return { summaries, counts: null, fromSamples: Boolean(summaries.baseline || summaries.canary) };
  }
  if (details.kind === "counts") {
    const { baseline, canary } = rateChartData(history);
    const counts = baseline.total !== null && canary.total !== null ? { baseline: { errors: baseline.errors, total: baseline.total }, canary: { errors: canary.errors, total: canary.total } } : null;
    return { summaries: { baseline: null, canary: null }, counts, fromSamples: counts !== null };
  }
  return { summaries: { baseline: null, canary: null }, counts: null, fromSamples: false };
}

function Numbers(props: { details: CheckDetails; history: readonly CheckDetails[] }) {
  const { details } = props;
  const effect = formatEffect(details);
  const sides = sideNumbers(details, props.history);
  const hasSummaries = sides.summaries.baseline || sides.summaries.canary;
  const hasCounts = sides.counts;
  const pValue = details.pValue ?? null;
  const eValue = details.eValue ?? null;
  const hasEvidence = effect || pValue !== null || eValue !== null;
  if (!hasSummaries && !hasCounts && !hasEvidence) return null;
  const rate = (side: { errors: number; total: number }) => (side.total > 0 ? formatShare(side.errors / side.total) : "—");
  return (
    <>
      <h4>Numbers</h4>
      {hasSummaries || hasCounts ? (
        <div class="scroll">
          <table>
            {sides.fromSamples ? <caption class="muted">Summaries of the points read over the rollout</caption> : null}
            <thead>
              <tr><th scope="col">Measure</th><th scope="col" class="num">Baseline</th><th scope="col" class="num">Canary</th></tr>
            </thead>
            <tbody>
              {hasSummaries
                ? SUMMARY_ROWS.map(([key, label]) => (
                    <tr><th scope="row">{label}</th><td class="num">{formatNumber(sides.summaries.baseline?.[key])}</td><td class="num">{formatNumber(sides.summaries.canary?.[key])}</td></tr>
                  ))
                : null}
              {sides.counts ? (
                <>
                  <tr><th scope="row">errors</th><td class="num">{formatNumber(sides.counts.baseline.errors)}</td><td class="num">{formatNumber(sides.counts.canary.errors)}</td></tr>
                  <tr><th scope="row">requests</th><td class="num">{formatNumber(sides.counts.baseline.total)}</td><td class="num">{formatNumber(sides.counts.canary.total)}</td></tr>
                  <tr><th scope="row">error rate</th><td class="num">{rate(sides.counts.baseline)}</td><td class="num">{rate(sides.counts.canary)}</td></tr>
                </>
              ) : null}
            </tbody>
          </table>
        </div>
      ) : null}
      <dl class="facts">
        {effect ? <Fact term={effect.label} value={`${effect.estimate} (interval ${effect.interval})`} /> : null}
        {details.intervalKind === "absolute" && (details.relativeChange ?? null) !== null ? <Fact term="Relative change" value={formatPercentChange(details.relativeChange)} /> : null}
        <Fact term="p-value" value={pValue !== null ? formatPValue(pValue) : null} />
        <Fact term="e-value (evidence of a regression)" value={eValue !== null ? formatNumber(eValue) : null} />
      </dl>
    </>
  );
}
