import type { Child } from "hono/jsx";
import type { CheckDetails, QueryRun } from "../../analysis/check-result.js";
import type { MonitorFinding } from "../../analysis/judge-monitors.js";
import { formatNumber, formatTime, grafanaExploreUrl, safeHref } from "./format.js";
import { Scroll } from "./layout.js";

/** Where the page may link to: the sources configured on this server, and Grafana when set. */
export interface LinkTargets {
  grafanaUrl: string | undefined;
  /** A link to the query over the window in its source's own UI, when the source is configured here. */
  sourceLink(source: string, query: string, window: { start: Date; end: Date; stepSeconds: number }): string | null;
  /** Whether the source speaks PromQL, so Grafana Explore can run its queries. */
  isPromQL(source: string): boolean;
}

/** Links to other systems: opened without giving them this page or its address. */
export function ExternalLink(props: { href: string | null | undefined; children: Child }) {
  const href = safeHref(props.href);
  if (!href) return <>{props.children}</>;
  return (
    <a href={href} rel="noopener noreferrer">
      {props.children}
    </a>
  );
}

export function CheckEvidence(props: { details: CheckDetails; history: readonly CheckDetails[]; links: LinkTargets }) {
  const { details } = props;
  return (
    <>
      {details.error ? (
        <p>
          <strong>Error ({details.error.kind}):</strong> {details.error.message}
        </p>
      ) : null}
      {details.monitors?.length ? <Monitors monitors={details.monitors} /> : null}
      {details.http ? <HttpEvidence http={details.http} /> : null}
      <Queries source={details.source} history={props.history} links={props.links} />
    </>
  );
}

const MONITOR_ORDER: Record<MonitorFinding["verdict"], number> = { alerting: 0, nodata: 1, preexisting: 2, muted: 3 };

function Monitors(props: { monitors: MonitorFinding[] }) {
  const monitors = [...props.monitors].sort((a, b) => MONITOR_ORDER[a.verdict] - MONITOR_ORDER[b.verdict]);
  return (
    <>
      <h4>Monitors</h4>
      <Scroll label="Monitors">
        <table class="wide">
          <thead>
            <tr><th scope="col">Monitor</th><th scope="col">Counts as</th><th scope="col">Status</th><th scope="col">Since</th><th scope="col">Labels</th><th scope="col">Why</th></tr>
          </thead>
          <tbody>
            {monitors.map((monitor) => (
              <tr>
                <th scope="row">
                  <ExternalLink href={monitor.link}>{monitor.name}</ExternalLink>
                </th>
                <td>{monitor.verdict}</td>
                <td>{monitor.status}</td>
                <td class="nowrap">{formatTime(monitor.since)}</td>
                <td>
                  {Object.entries(monitor.labels ?? {}).map(([name, value]) => (
                    <>
                      <code>{`${name}=${value}`}</code>{" "}
                    </>
                  ))}
                </td>
                <td class="reason">{monitor.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </>
  );
}

function HttpEvidence(props: { http: NonNullable<CheckDetails["http"]> }) {
  const values = JSON.stringify(props.http.values ?? []);
  return (
    <>
      <h4>Request</h4>
      <dl class="facts">
        <dt>URL</dt>
        <dd>
          <ExternalLink href={props.http.url}>
            <code>{props.http.url}</code>
          </ExternalLink>
        </dd>
        <dt>Condition</dt>
        <dd>
          <code>{props.http.condition}</code>
        </dd>
        <dt>Values picked</dt>
        <dd>
          <code>{values.length > 500 ? `${values.slice(0, 500)}…` : values}</code>
        </dd>
      </dl>
    </>
  );
}

interface QueryRow {
  role: QueryRun["role"];
  query: string;
  start: string;
  end: string;
  points: number;
  stepSeconds: number | null;
  link: string | null;
}

/**
 * Each query once, over the whole stretch the rollout read: a run with a new start extends the window
 * (sequential checks read only new steps); a run with the same start re-read it (fixed-horizon checks).
 */
function queryRows(history: readonly CheckDetails[]): QueryRow[] {
  const rows = new Map<string, QueryRow>();
  for (const details of history) {
    for (const run of details.queries ?? []) {
      const key = `${run.role}\u0000${run.query}`;
      const seen = rows.get(key);
      const step = run.sample && run.sample.length > 1 ? (run.sample[1]![0] - run.sample[0]![0]) : null;
      if (seen && seen.start !== run.start) rows.set(key, { ...seen, end: run.end, points: seen.points + run.points, stepSeconds: seen.stepSeconds ?? step, link: run.link });
      else rows.set(key, { role: run.role, query: run.query, start: run.start, end: run.end, points: run.points, stepSeconds: step, link: run.link });
    }
  }
  return [...rows.values()];
}

function Queries(props: { source: string; history: readonly CheckDetails[]; links: LinkTargets }) {
  const rows = queryRows(props.history);
  if (rows.length === 0) return null;
  const { links } = props;
  return (
    <>
      <h4>Queries</h4>
      <ul class="queries">
        {rows.map((row) => {
          const window = { start: new Date(row.start), end: new Date(row.end), stepSeconds: row.stepSeconds ?? 60 };
          const sourceLink = links.sourceLink(props.source, row.query, window) ?? row.link;
          return (
            <li>
              <strong>{row.role}</strong> <span class="muted">({formatNumber(row.points)} points, {formatTime(row.start)} to {formatTime(row.end)})</span>
              <br />
              <code>{row.query}</code>
              <br />
              {safeHref(sourceLink) ? (
                <ExternalLink href={sourceLink}>
                  Open in {props.source}
                  <span class="visually-hidden"> ({row.role} query)</span>
                </ExternalLink>
              ) : null}
              {links.grafanaUrl && links.isPromQL(props.source) ? (
                <>
                  {safeHref(sourceLink) ? " · " : null}
                  <ExternalLink href={grafanaExploreUrl(links.grafanaUrl, row)}>
                    Open in Grafana Explore
                    <span class="visually-hidden"> ({row.role} query)</span>
                  </ExternalLink>
                </>
              ) : null}
            </li>
          );
        })}
      </ul>
    </>
  );
}
