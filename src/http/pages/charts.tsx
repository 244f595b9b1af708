import { PALETTE } from "./styles.js";

/** Maps a domain linearly onto a range (pixels); a zero-width domain maps to the range's middle. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]) {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  return (value: number) => (d1 === d0 ? (r0 + r1) / 2 : r0 + ((value - d0) / (d1 - d0)) * (r1 - r0));
}

/** About `count` round tick values (1, 2 or 5 × 10^k apart) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const ratio = raw / magnitude;
  const step = magnitude * (ratio >= 7.5 ? 10 : ratio >= 3.5 ? 5 : ratio >= 1.5 ? 2 : 1);
  const ticks: number[] = [];
  for (let tick = Math.floor(min / step) * step; tick <= max + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)));
  if ((ticks[0] ?? min) > min) ticks.unshift(Number((ticks[0]! - step).toPrecision(12)));
  if ((ticks.at(-1) ?? max) < max) ticks.push(Number((ticks.at(-1)! + step).toPrecision(12)));
  return ticks;
}

// Small enough that 12-unit text stays legible on a phone, where the chart is about 300 px wide.
const WIDTH = 400;
const HEIGHT = 220;
const PAD = { left: 52, right: 14, top: 30, bottom: 40 };
const FONT = { "font-family": "system-ui, sans-serif", "font-size": "13", fill: PALETTE.text };

export type Side = "baseline" | "canary";
const SIDE_STYLE: Record<Side, { stroke: string; dash?: string; fill: string }> = {
  baseline: { stroke: PALETTE.baseline, fill: PALETTE.baseline },
  // Canary is dashed (lines) and hollow (bars), so the sides differ by more than colour.
  canary: { stroke: PALETTE.canary, dash: "6 3", fill: PALETTE.background },
};

interface ChartFrame {
  id: string;
  title: string;
  description: string;
}

function Frame(props: ChartFrame & { children: unknown }) {
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${props.id}-title ${props.id}-desc`} xmlns="http://www.w3.org/2000/svg">
      <title id={`${props.id}-title`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.description}</desc>
      <rect x="0" y="0" width={WIDTH} height={HEIGHT} fill={PALETTE.background} />
      {props.children}
    </svg>
  );
}

function Legend(props: { sides: Side[] }) {
  return (
    <g {...FONT} aria-hidden="true">
      {props.sides.map((side, i) => {
        const x = PAD.left + i * 100;
        const style = SIDE_STYLE[side];
        return (
          <g>
            <rect x={x} y={8} width={18} height={10} fill={style.fill} stroke={style.stroke} stroke-width="2" stroke-dasharray={style.dash} />
            <text x={x + 24} y={17}>{side}</text>
          </g>
        );
      })}
    </g>
  );
}

function YAxis(props: { ticks: number[]; y: (value: number) => number; format: (value: number) => string }) {
  return (
    <g {...FONT} aria-hidden="true">
      {props.ticks.map((tick) => (
        <g>
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={props.y(tick)} y2={props.y(tick)} stroke={PALETTE.grid} stroke-width="1" />
          <text x={PAD.left - 6} y={props.y(tick) + 4} text-anchor="end">{props.format(tick)}</text>
        </g>
      ))}
    </g>
  );
}

const clock = (seconds: number) => new Date(seconds * 1000).toISOString().slice(11, 16);

export interface LineChartProps extends ChartFrame {
  series: Array<{ side: Side; points: Array<[number, number]> }>;
  formatY: (value: number) => string;
  /** A vertical marker, e.g. when the rollout started (unix seconds). */
  marker?: { at: number; label: string } | undefined;
  includeZero?: boolean;
}

/** Values over time, one polyline per side, on a shared time axis (UTC clock times). */
export function LineChart(props: LineChartProps) {
  const all = props.series.flatMap((s) => s.points);
  const times = [...all.map(([t]) => t), ...(props.marker ? [props.marker.at] : [])];
  const values = [...all.map(([, v]) => v), ...(props.includeZero ? [0] : [])];
  const ticks = niceTicks(Math.min(...values), Math.max(...values), 4);
  const y = linearScale([ticks[0] ?? 0, ticks.at(-1) ?? 1], [HEIGHT - PAD.bottom, PAD.top]);
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const x = linearScale([t0, t1], [PAD.left, WIDTH - PAD.right]);
  const timeTicks = [0, 1, 2, 3].map((i) => t0 + ((t1 - t0) * i) / 3);
  const onRight = props.marker !== undefined && x(props.marker.at) > (PAD.left + WIDTH) / 2;
  return (
    <Frame id={props.id} title={props.title} description={props.description}>
      <Legend sides={props.series.map((s) => s.side)} />
      <YAxis ticks={ticks} y={y} format={props.formatY} />
      <g {...FONT} aria-hidden="true">
        {timeTicks.map((t, i) => (
          <text x={x(t)} y={HEIGHT - PAD.bottom + 16} text-anchor={i === 0 ? "start" : i === 3 ? "end" : "middle"}>{clock(t)}</text>
        ))}
        <text x={WIDTH - PAD.right} y={HEIGHT - 6} text-anchor="end">time (UTC)</text>
        {props.marker ? (
          <g>
            <line x1={x(props.marker.at)} x2={x(props.marker.at)} y1={PAD.top} y2={HEIGHT - PAD.bottom} stroke={PALETTE.muted} stroke-width="1.5" stroke-dasharray="2 3" />
            <text x={x(props.marker.at) + (onRight ? -4 : 4)} y={PAD.top + 12} text-anchor={onRight ? "end" : "start"} stroke={PALETTE.background} stroke-width="3" paint-order="stroke">
              {props.marker.label}
            </text>
          </g>
        ) : null}
      </g>
      {props.series.map(({ side, points }) => {
        const style = SIDE_STYLE[side];
        const path = points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
        return points.length === 1 ? (
          <circle cx={x(points[0]![0])} cy={y(points[0]![1])} r="3" fill={style.stroke} />
        ) : (
          <polyline points={path} fill="none" stroke={style.stroke} stroke-width="2" stroke-dasharray={style.dash} stroke-linejoin="round" />
        );
      })}
    </Frame>
  );
}

export interface BarChartProps extends ChartFrame {
  labels: string[];
  series: Array<{ side: Side; values: number[] }>;
  formatY: (value: number) => string;
}

/** Grouped bars per category (histogram buckets): baseline solid, canary hollow. */
export function BarChart(props: BarChartProps) {
  const ticks = niceTicks(0, Math.max(0, ...props.series.flatMap((s) => s.values)), 4);
  const y = linearScale([0, ticks.at(-1) || 1], [HEIGHT - PAD.bottom, PAD.top]);
  const band = (WIDTH - PAD.left - PAD.right) / Math.max(1, props.labels.length);
  const bar = Math.min(18, (band * 0.8) / Math.max(1, props.series.length));
  const slanted = props.labels.length > 8;
  return (
    <Frame id={props.id} title={props.title} description={props.description}>
      <Legend sides={props.series.map((s) => s.side)} />
      <YAxis ticks={ticks} y={y} format={props.formatY} />
      {props.series.map(({ side, values }, s) =>
        values.map((value, i) => {
          const left = PAD.left + i * band + (band - bar * props.series.length) / 2 + s * bar;
          const top = y(value);
          return <rect x={left.toFixed(1)} y={top.toFixed(1)} width={bar.toFixed(1)} height={Math.max(0, HEIGHT - PAD.bottom - top).toFixed(1)} fill={SIDE_STYLE[side].fill} stroke={SIDE_STYLE[side].stroke} stroke-width="1.5" />;
        }),
      )}
      <g {...FONT} font-size={slanted ? "11" : "13"} aria-hidden="true">
        {props.labels.map((label, i) => {
          const cx = PAD.left + i * band + band / 2;
          const cy = HEIGHT - PAD.bottom + 14;
          return slanted ? (
            <text x={cx} y={cy} text-anchor="end" transform={`rotate(-35 ${cx} ${cy})`}>{label}</text>
          ) : (
            <text x={cx} y={cy} text-anchor="middle">{label}</text>
          );
        })}
      </g>
    </Frame>
  );
}
