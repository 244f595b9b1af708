import type { RolloutRow } from "../../db/queries/rollouts.js";
import { ResultBadge } from "./check-card.js";
import { formatNumber, formatTime } from "./format.js";
import { Scroll } from "./layout.js";

export interface RolloutFilters {
  service?: string | undefined;
  environment?: string | undefined;
  verdict?: "pending" | "continue" | "halt" | undefined;
  gate?: string | undefined;
}

/** Halted rollouts first (they need someone), then the rest; newest first within each. */
export function haltedFirst(rows: RolloutRow[]): RolloutRow[] {
  const newest = (a: RolloutRow, b: RolloutRow) => b.createdAt.getTime() - a.createdAt.getTime();
  return [...rows.filter((row) => row.verdict === "halt").sort(newest), ...rows.filter((row) => row.verdict !== "halt").sort(newest)];
}

function Filters(props: { filters: RolloutFilters }) {
  const { filters } = props;
  return (
    <form class="filters" method="get" action="/rollouts" role="search" aria-label="Filter rollouts">
      <label>
        Service
        <input type="text" name="service" value={filters.service ?? ""} autocomplete="off" />
      </label>
      <label>
        Environment
        <input type="text" name="environment" value={filters.environment ?? ""} autocomplete="off" />
      </label>
      <label>
        Verdict
        <select name="verdict">
          <option value="" selected={!filters.verdict}>
            any
          </option>
          {(["halt", "pending", "continue"] as const).map((verdict) => (
            <option value={verdict} selected={filters.verdict === verdict}>
              {verdict}
            </option>
          ))}
        </select>
      </label>
      {filters.gate ? <input type="hidden" name="gate" value={filters.gate} /> : null}
      <button type="submit">Filter</button>
      <a href="/rollouts">Clear filters</a>
    </form>
  );
}

export function RolloutsPage(props: { rows: RolloutRow[]; filters: RolloutFilters; olderHref: string | null }) {
  const rows = haltedFirst(props.rows);
  const active = Object.entries(props.filters).filter(([, value]) => value);
  return (
    <>
      <header>
        <h1>Rollouts</h1>
        <p>
          Recent rollouts, halted ones first. {active.length ? `Filtered by ${active.map(([name, value]) => `${name} ${value}`).join(", ")}.` : null}
        </p>
      </header>
      <Filters filters={props.filters} />
      {rows.length === 0 ? (
        <p>No rollout matches these filters.</p>
      ) : (
        <Scroll label="Rollouts">
          <table class="wide">
            <caption class="visually-hidden">Rollouts, halted first, then newest first</caption>
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Verdict</th>
                <th scope="col">Environment</th>
                <th scope="col">Version</th>
                <th scope="col">Gate</th>
                <th scope="col">Final</th>
                <th scope="col" class="num">Score</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr class={row.verdict === "halt" ? "halt" : undefined}>
                  <th scope="row">
                    <a href={`/rollouts/${row.id}`}>
                      {row.service}
                      <span class="visually-hidden">
                        {" "}
                        {row.version} in {row.environment}
                      </span>
                    </a>
                  </th>
                  <td>
                    <ResultBadge result={row.verdict} />
                  </td>
                  <td>{row.environment}</td>
                  <td>{row.version}</td>
                  <td>
                    {row.gateName} v{row.gateVersion}
                  </td>
                  <td>{row.isFinal ? "yes" : "no"}</td>
                  <td class="num">{formatNumber(row.score)}</td>
                  <td class="nowrap">
                    <time datetime={row.startedAt.toISOString()}>{formatTime(row.startedAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
      {props.olderHref ? (
        <p>
          <a href={props.olderHref}>Older rollouts</a>
        </p>
      ) : null}
    </>
  );
}
