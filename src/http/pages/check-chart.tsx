import type { CheckDetails } from "../../analysis/check-result.js";
import { bucketChartData, rateChartData, seriesChartData, type Point, type RateSide } from "./chart-data.js";
import { BarChart, LineChart } from "./charts.js";
import { formatNumber, formatShare } from "./format.js";

interface CheckChartProps {
  id: string;
  name: string;
  kind: CheckDetails["kind"];
  /** The check's details in every evaluation, oldest first. */
  history: readonly CheckDetails[];
  startedAt: Date;
}

/** The check's data as a chart with a text alternative, or nothing for checks without metric data. */
export function CheckChart(props: CheckChartProps) {
  if (props.kind === "series") return <SeriesFigure {...props} />;
  if (props.kind === "counts") return <CountsFigure {...props} />;
  if (props.kind === "histogram") return <BucketsFigure {...props} />;
  return null;
}

function stats(points: Point[]) {
  const values = points.map(([, value]) => value).sort((a, b) => a - b);
  const middle = Math.floor(values.length / 2);
  const median = values.length % 2 ? values[middle] : ((values[middle - 1] ?? NaN) + (values[middle] ?? NaN)) / 2;
  return { n: values.length, min: values[0] ?? null, median: median ?? null, max: values.at(-1) ?? null };
}

const started = (props: CheckChartProps) => ({ at: props.startedAt.getTime() / 1000, label: "rollout started" });

function NoChart(props: { what: string }) {
  return <p class="muted">No chart: {props.what}.</p>;
}

function SeriesFigure(props: CheckChartProps) {
  const data = seriesChartData(props.history);
  if (data.baseline.length + data.canary.length === 0) return <NoChart what="the queries returned no points to draw" />;
  const sides = [
    { side: "baseline" as const, points: data.baseline },
    { side: "canary" as const, points: data.canary },
  ].filter((s) => s.points.length > 0);
  const rows = sides.map((s) => ({ side: s.side, ...stats(s.points) }));
  const sentence = rows.map((r) => `${r.side}: ${r.n} points, median ${formatNumber(r.median)}, from ${formatNumber(r.min)} to ${formatNumber(r.max)}`).join("; ");
  return (
    <figure>
      <div class="chart">
        <LineChart id={props.id} title={`${props.name}: baseline and canary over time`} description={`${sentence}.`} series={sides} formatY={formatNumber} marker={started(props)} />
      </div>
      <figcaption>
        {props.name} over time. {sentence}.
      </figcaption>
      <details>
        <summary>Chart data as a table</summary>
        <div class="scroll">
          <table>
            <thead>
              <tr><th scope="col">Side</th><th scope="col" class="num">Points</th><th scope="col" class="num">Minimum</th><th scope="col" class="num">Median</th><th scope="col" class="num">Maximum</th></tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr><th scope="row">{r.side}</th><td class="num">{r.n}</td><td class="num">{formatNumber(r.min)}</td><td class="num">{formatNumber(r.median)}</td><td class="num">{formatNumber(r.max)}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function describeRate(side: string, data: RateSide, unit: "rate" | "errors"): string {
  if (unit === "errors" || data.total === null) return `${side}: ${formatNumber(data.errors)} errors over ${data.steps} steps`;
  const rate = data.total > 0 ? data.errors / data.total : null;
  return `${side}: ${formatShare(rate)} errors (${formatNumber(data.errors)} of ${formatNumber(data.total)} requests over ${data.steps} steps)`;
}

function CountsFigure(props: CheckChartProps) {
  const data = rateChartData(props.history);
  const sides = [
    { side: "baseline" as const, points: data.baseline.points, totals: data.baseline },
    { side: "canary" as const, points: data.canary.points, totals: data.canary },
  ].filter((s) => s.points.length > 0);
  if (sides.length === 0) return <NoChart what="the queries returned no steps to draw" />;
  const sentence = sides.map((s) => describeRate(s.side, s.totals, data.unit)).join("; ");
  const what = data.unit === "rate" ? "error rate per step" : "errors per step";
  return (
    <figure>
      <div class="chart">
        <LineChart id={props.id} title={`${props.name}: ${what}, baseline and canary`} description={`${sentence}.`} series={sides} formatY={data.unit === "rate" ? formatShare : formatNumber} marker={started(props)} includeZero />
      </div>
      <figcaption>
        {props.name}, {what}. {sentence}.
      </figcaption>
      <details>
        <summary>Chart data as a table</summary>
        <div class="scroll">
          <table>
            <thead>
              <tr><th scope="col">Side</th><th scope="col" class="num">Steps</th><th scope="col" class="num">Errors</th><th scope="col" class="num">Requests</th><th scope="col" class="num">Error rate</th><th scope="col" class="num">Highest step</th></tr>
            </thead>
            <tbody>
              {sides.map((s) => (
                <tr>
                  <th scope="row">{s.side}</th>
                  <td class="num">{s.totals.steps}</td>
                  <td class="num">{formatNumber(s.totals.errors)}</td>
                  <td class="num">{formatNumber(s.totals.total)}</td>
                  <td class="num">{s.totals.total ? formatShare(s.totals.errors / s.totals.total) : "—"}</td>
                  <td class="num">{(data.unit === "rate" ? formatShare : formatNumber)(stats(s.points).max)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function BucketsFigure(props: CheckChartProps) {
  const data = bucketChartData(props.history);
  if (!data) return <NoChart what="the bucket queries returned no counts to draw" />;
  const series = [
    { side: "baseline" as const, values: data.baseline },
    { side: "canary" as const, values: data.canary },
  ].flatMap((s) => (s.values ? [{ side: s.side, values: s.values }] : []));
  const slowest = (values: number[] | null) => (values ? formatShare(values.at(-1) ?? 0) : "—");
  const sentence = `Share of requests per latency bucket: baseline ${formatNumber(data.totals.baseline)} requests, canary ${formatNumber(data.totals.canary)}; in the slowest bucket (${data.labels.at(-1)}): baseline ${slowest(data.baseline)}, canary ${slowest(data.canary)}`;
  return (
    <figure>
      <div class="chart">
        <BarChart id={props.id} title={`${props.name}: share of requests per bucket, baseline and canary`} description={`${sentence}.`} labels={data.labels} series={series} formatY={formatShare} />
      </div>
      <figcaption>{sentence}.</figcaption>
      <details>
        <summary>Chart data as a table</summary>
        <div class="scroll">
          <table>
            <thead>
              <tr><th scope="col">Bucket</th><th scope="col" class="num">Baseline share</th><th scope="col" class="num">Canary share</th></tr>
            </thead>
            <tbody>
              {data.labels.map((label, i) => (
                <tr><th scope="row">{label}</th><td class="num">{formatShare(data.baseline?.[i])}</td><td class="num">{formatShare(data.canary?.[i])}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
