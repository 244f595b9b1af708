/** A monitor's state, normalised across backends. */
export type MonitorStatus = "alert" | "warn" | "nodata" | "ok";

/** One monitor (Datadog monitor or monitor group, Prometheus/Alertmanager alert instance) as a check sees it. */
export interface MonitorState {
  /** Stable id: Datadog monitor id (plus group), or the alert's name and label set. */
  id: string;
  name: string;
  status: MonitorStatus;
  /** Silenced, muted or inhibited: left out of the judgement. */
  muted: boolean;
  /** ISO time the current status began, when the backend says. */
  since: string | null;
  labels: Record<string, string>;
  /**
   * When it was in `alert` (or `nodata`) during the queried window, oldest first; `end` null while it
   * still is. Backends without history report the current period only.
   */
  periods: Array<{ status: "alert" | "nodata"; start: string; end: string | null }>;
  /** Link to the monitor or alert in the backend's UI, scoped to the window when it can be. */
  link: string;
}

export interface MonitorReport {
  /**
   * How many monitors (Datadog) or alerting rules (Prometheus) the query selects, whatever their
   * state; null where the backend has no such notion (Alertmanager knows only firing alerts).
   */
  matched: number | null;
  /** Every selected monitor that is or was not OK during the window (muted ones included, flagged). */
  monitors: MonitorState[];
}
