import { z } from "zod";
import { fetchJson } from "./http-client.js";
import { formatLabelSet, formatMatcher, monitorQueryMatchers } from "./label-matchers.js";
import { sourceSettings } from "./source-settings.js";
import { SourceError, type MonitorQuery, type MonitorReport, type MonitorSource, type MonitorState } from "./types.js";

export interface AlertmanagerSourceOptions {
  name: string;
  /** Base URL of the server, e.g. http://alertmanager:9093 (a path prefix is kept). */
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

// gettableAlerts in https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml
const GettableAlerts = z.array(
  z.object({
    labels: z.record(z.string(), z.string()),
    startsAt: z.string(),
    endsAt: z.string().nullish(),
    status: z.object({
      state: z.string(),
      silencedBy: z.array(z.string()).nullish(),
      inhibitedBy: z.array(z.string()).nullish(),
    }),
  }),
);

/**
 * Alerts held by an Alertmanager as monitors, silenced and inhibited ones included and flagged muted.
 * Alertmanager keeps no history and no rules: `matched` is null, and an alert that resolved is gone.
 */
export function createAlertmanagerSource(options: AlertmanagerSourceOptions): MonitorSource {
  const base = options.url.endsWith("/") ? options.url : `${options.url}/`;
  const timeoutMs = options.timeoutMs ?? 10_000;

  /** The alert in the UI: all states shown, filtered to its exact label set. */
  function alertLink(labels: Record<string, string>): string {
    const link = new URL(base);
    link.username = "";
    link.password = "";
    link.search = "";
    const filter = encodeURIComponent(formatLabelSet(labels));
    link.hash = `/alerts?silenced=true&inhibited=true&muted=true&active=true&filter=${filter}`;
    return link.toString();
  }

  return {
    name: options.name,
    type: "alertmanager",
    settings: sourceSettings({ url: options.url, timeoutMs, headers: options.headers }),

    async listMonitors(query: MonitorQuery, window: { start: Date; end: Date }, signal?: AbortSignal): Promise<MonitorReport> {
      const params = new URLSearchParams({ active: "true", silenced: "true", inhibited: "true", unprocessed: "true" });
      // Alertmanager anchors `=~` like PromQL and reads the same quoting, so the matchers pass through as they are.
      for (const matcher of monitorQueryMatchers(query)) params.append("filter", formatMatcher(matcher));
      const url = new URL("api/v2/alerts", base);
      url.search = params.toString();
      // A rejected filter is a 400 whose body is a JSON string with Alertmanager's explanation.
      const body = await fetchJson(url.toString(), { headers: options.headers, timeoutMs, signal, acceptStatuses: [400] });
      if (typeof body === "string") throw new SourceError("query", `Alertmanager rejected the filter: ${body}`);
      const parsed = GettableAlerts.safeParse(body);
      if (!parsed.success) throw new SourceError("bad-response", `${options.name}: not an Alertmanager v2 alerts answer`);

      const now = Date.now();
      const monitors: MonitorState[] = [];
      for (const alert of parsed.data) {
        const startsAt = Date.parse(alert.startsAt);
        // endsAt in the future is only Alertmanager's resolve timeout, not an end.
        const endsAt = alert.endsAt ? Date.parse(alert.endsAt) : Number.NaN;
        const ended = !Number.isNaN(endsAt) && endsAt <= now;
        if (Number.isNaN(startsAt) || startsAt > window.end.getTime() || (ended && endsAt < window.start.getTime())) continue;
        const suppressedBy = [...(alert.status.silencedBy ?? []), ...(alert.status.inhibitedBy ?? [])];
        const id = formatLabelSet(alert.labels);
        monitors.push({
          id: `${alert.labels.alertname ?? ""}${id}`,
          name: alert.labels.alertname ?? "",
          status: ended ? "ok" : "alert",
          muted: alert.status.state === "suppressed" && suppressedBy.length > 0,
          since: new Date(ended ? endsAt : startsAt).toISOString(),
          labels: alert.labels,
          periods: [
            {
              status: "alert",
              start: new Date(Math.max(startsAt, window.start.getTime())).toISOString(),
              end: ended ? new Date(endsAt).toISOString() : null,
            },
          ],
          link: alertLink(alert.labels),
        });
      }
      monitors.sort((a, b) => Number(b.status === "alert") - Number(a.status === "alert") || a.id.localeCompare(b.id));
      return { matched: null, monitors };
    },
  };
}
