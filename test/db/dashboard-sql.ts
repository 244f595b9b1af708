import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import type { Database } from "../../src/db/client.js";

// What Grafana does to a panel's SQL before PostgreSQL sees it, small enough to check by eye:
// the browser replaces template variables (and $__interval), then the data source expands its macros
// ($__timeFilter, $__timeGroupAlias, ...), as documented for the PostgreSQL data source.

export interface DatasourceRef {
  type?: string;
  uid?: string;
}

export interface GrafanaTarget {
  refId: string;
  datasource?: DatasourceRef;
  editorMode?: string;
  format?: string;
  rawQuery?: boolean;
  rawSql?: string;
}

export interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: DatasourceRef;
  targets?: GrafanaTarget[];
  fieldConfig?: { defaults?: Record<string, unknown>; overrides?: Array<{ matcher: { id: string; options: unknown }; properties: unknown[] }> };
  panels?: GrafanaPanel[];
}

export interface GrafanaVariable {
  name: string;
  type: string;
  query?: unknown;
  datasource?: DatasourceRef;
  multi?: boolean;
  includeAll?: boolean;
  current?: { value?: string | string[] };
}

export interface GrafanaAnnotation {
  name: string;
  builtIn?: number;
  datasource?: DatasourceRef;
  target?: GrafanaTarget;
}

export interface GrafanaDashboard {
  id?: number | null;
  uid: string;
  title: string;
  schemaVersion: number;
  panels: GrafanaPanel[];
  templating: { list: GrafanaVariable[] };
  annotations?: { list: GrafanaAnnotation[] };
}

export const dashboardsFolder = new URL("../../dashboards/", import.meta.url).pathname;

export function loadDashboards(): Array<{ file: string; dashboard: GrafanaDashboard }> {
  return readdirSync(dashboardsFolder)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dashboardsFolder, file), "utf8")) as GrafanaDashboard }));
}

/** Panels, with those nested in collapsed rows. */
export function allPanels(dashboard: GrafanaDashboard): GrafanaPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** Every string anywhere in a JSON value. */
export function allStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === "object") return Object.values(value).flatMap(allStrings);
  return [];
}

// Grafana's own variable pattern: $name, [[name:format]], ${name.path:format}.
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

export interface VariableReference {
  name: string;
  path: string | undefined;
  format: string | undefined;
}

export function variableReferences(text: string): VariableReference[] {
  return [...text.matchAll(VARIABLE)].map((m) => ({ name: (m[1] ?? m[2] ?? m[4]) as string, path: m[5], format: m[3] ?? m[6] }));
}

/** Names Grafana defines itself: data source macros, global variables, data link variables. */
export const GRAFANA_BUILT_INS = new Set([
  "__timeFilter", "__timeFrom", "__timeTo", "__timeGroup", "__timeGroupAlias",
  "__interval", "__interval_ms", "__range", "__range_s", "__range_ms", "__from", "__to",
  "__dashboard", "__org", "__user", "__all", "__url_time_range", "__all_variables",
  "__data", "__field", "__series", "__value",
]);

/** Field names a panel's data links read (`${__data.fields.name}`). */
export function linkedFields(panel: GrafanaPanel): string[] {
  return variableReferences(allStrings(panel.fieldConfig ?? {}).join("\n"))
    .filter((ref) => ref.name === "__data" && ref.path?.startsWith("fields."))
    .map((ref) => (ref.path as string).slice("fields.".length));
}

/** Field names a panel's overrides match by name. */
export function overriddenFields(panel: GrafanaPanel): string[] {
  return (panel.fieldConfig?.overrides ?? []).filter((o) => o.matcher.id === "byName").map((o) => String(o.matcher.options));
}

export interface VariableValue {
  values: string[];
  /** Multi-value or include-All variables: Grafana quotes them by default in SQL. */
  isMulti: boolean;
}

export interface QueryContext {
  from: Date;
  to: Date;
  interval: string;
  variables: Map<string, VariableValue>;
}

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

function formatVariable(variable: VariableValue, format: string | undefined): string {
  switch (format) {
    case undefined:
      return variable.isMulti ? variable.values.map(quote).join(",") : variable.values.join(",");
    case "sqlstring":
      return variable.values.map(quote).join(",");
    case "csv":
    case "raw":
      return variable.values.join(",");
    default:
      throw new Error(`variable format ${format} is not handled by this test`);
  }
}

/** Replaces template variables the way Grafana's browser side does; data source macros stay. */
export function replaceVariables(text: string, context: QueryContext): string {
  return text.replace(VARIABLE, (match: string, ...groups: Array<string | undefined>) => {
    const name = (groups[0] ?? groups[1] ?? groups[3]) as string;
    const format = groups[2] ?? groups[5];
    if (name === "__interval") return context.interval;
    if (name === "__interval_ms") return String(intervalSeconds(context.interval) * 1000);
    if (name.startsWith("__time")) return match;
    const variable = context.variables.get(name);
    if (!variable) throw new Error(`no value for variable ${name} in ${text}`);
    return formatVariable(variable, format);
  });
}

function intervalSeconds(interval: string): number {
  const match = /^'?(\d+)(ms|s|m|h|d|w)'?$/.exec(interval.trim());
  if (!match) throw new Error(`not a Grafana interval: ${interval}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 }[match[2] as "ms" | "s" | "m" | "h" | "d" | "w"];
  return Math.max(1, Number(match[1]) * unit);
}

/** Splits a macro's arguments at top-level commas; returns them and where the call ends. */
function macroArguments(text: string, open: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < text.length; i += 1) {
    const char = text[i];
    if (char === "(") depth += 1;
    if (char === ")") depth -= 1;
    if ((char === "," && depth === 1) || depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
    if (depth === 0) return { args: args.length === 1 && args[0] === "" ? [] : args, end: i + 1 };
  }
  throw new Error(`unbalanced macro call in ${text}`);
}

/** Expands the PostgreSQL data source's time macros as Grafana's backend does. */
export function expandMacros(text: string, context: Pick<QueryContext, "from" | "to">): string {
  const from = `'${context.from.toISOString()}'`;
  const to = `'${context.to.toISOString()}'`;
  const macro = /\$__(\w+)\(/g;
  let result = "";
  let last = 0;
  for (let m = macro.exec(text); m; m = macro.exec(text)) {
    const { args, end } = macroArguments(text, m.index + m[0].length - 1);
    const column = args[0] ?? "";
    const group = () => {
      const seconds = intervalSeconds(args[1] ?? "");
      return `floor(extract(epoch from ${column})/${seconds})*${seconds}`;
    };
    const expansions: Record<string, () => string> = {
      timeFilter: () => `${column} BETWEEN ${from} AND ${to}`,
      timeFrom: () => from,
      timeTo: () => to,
      timeGroup: group,
      timeGroupAlias: () => `${group()} AS "time"`,
    };
    const expand = expansions[m[1] as string];
    if (!expand) throw new Error(`macro $__${m[1]} is not handled by this test`);
    result += text.slice(last, m.index) + expand();
    last = end;
    macro.lastIndex = end;
  }
  return result + text.slice(last);
}

export function interpolate(text: string, context: QueryContext): string {
  return expandMacros(replaceVariables(text, context), context);
}

export interface SqlResult {
  columns: Array<{ name: string; typeId: number }>;
  rows: Array<Record<string, unknown>>;
}

/** PostgreSQL type ids Grafana reads as numbers, and as times. */
export const NUMERIC_TYPES = new Set([20, 21, 23, 700, 701, 1700]);
export const TIME_TYPES = new Set([1082, 1114, 1184]);

/** Runs SQL text on either driver and returns its columns (with type ids) and rows. */
export async function runSql(db: Database, text: string): Promise<SqlResult> {
  const result = (await db.execute(sql.raw(text))) as unknown;
  if (Array.isArray(result)) {
    // postgres-js: the rows, with a `columns` description.
    const columns = (result as unknown as { columns: Array<{ name: string; type: number }> }).columns;
    return { columns: columns.map((c) => ({ name: c.name, typeId: c.type })), rows: [...(result as Array<Record<string, unknown>>)] };
  }
  // PGlite: { rows, fields }.
  const { rows, fields } = result as { rows: Array<Record<string, unknown>>; fields: Array<{ name: string; dataTypeID: number }> };
  return { columns: fields.map((f) => ({ name: f.name, typeId: f.dataTypeID })), rows };
}
