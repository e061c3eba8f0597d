// The report's charts of measures over time: a small chart per live trigger of its cumulative
// relative lift with its band, and the conversion curves of the top triggers against their windows.
import type { CurvePoint, LiftPoint } from '../../measurement/index.js';
import { formatDay, formatDuration, formatSignedPercent } from './format.js';
import {
  chart,
  domainWithZero,
  line,
  linearScale,
  niceTicks,
  round,
  text,
  tickDecimals,
} from './svg.js';

const SMALL_WIDTH = 360;
const SMALL_HEIGHT = 150;
const PAD = { left: 54, right: 10, top: 14, bottom: 24 };

/** A chart of this section's small size. */
function smallChart(id: string, title: string, description: string, body: string): string {
  return chart(id, SMALL_WIDTH, SMALL_HEIGHT, title, description, body);
}

/** A grid line across a small chart at each of `values` on the scale `y`, labelled on its left. */
function gridLines(
  values: readonly number[],
  y: (value: number) => number,
  label: (value: number) => string,
): string {
  return values
    .map(
      (v) =>
        line(PAD.left, y(v), SMALL_WIDTH - PAD.right, y(v), 'grid') +
        text(PAD.left - 4, y(v) + 4, label(v), { anchor: 'end', size: 10 }),
    )
    .join('');
}

function path(points: readonly (readonly [number, number])[]): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${round(x)} ${round(y)}`).join(' ');
}

/** How far the lift-over-time charts go: a first day's band can be enormous. */
const LIFT_LIMIT = 1;

const clipped = (v: number) => Math.max(-LIFT_LIMIT, Math.min(LIFT_LIMIT, v));

/**
 * One trigger's relative lift as it read each day, or week (line), with its interval (band) and
 * the zero line: whether a win is holding, settling or fading. Points without an estimate are left
 * out; the line and band are cut at ±100% ({@link clippedNote} says where).
 */
export function liftOverTimeChart(
  id: string,
  name: string,
  points: readonly LiftPoint[],
  step: 'day' | 'week',
): string {
  const read = points.filter((p) => p.relativeLift !== null);
  const times = points.map((p) => new Date(p.asOf).getTime());
  const x = linearScale(
    [Math.min(...times), Math.max(...times)],
    [PAD.left, SMALL_WIDTH - PAD.right],
  );
  const bounds = read.flatMap((p) => [p.relativeLift?.low ?? 0, p.relativeLift?.high ?? 0]);
  // the axis covers what the reads need, at most ±100% and a margin
  const [low, high] = domainWithZero(bounds.map(clipped));
  const y = linearScale([low, high], [SMALL_HEIGHT - PAD.bottom, PAD.top]);
  const xy = (p: LiftPoint, v: number): [number, number] => [
    x(new Date(p.asOf).getTime()),
    y(clipped(v)),
  ];
  const band =
    read.length === 0
      ? ''
      : `<path class="band" d="${path([
          ...read.map((p) => xy(p, p.relativeLift?.high ?? 0)),
          ...[...read].reverse().map((p) => xy(p, p.relativeLift?.low ?? 0)),
        ])} Z"/>`;
  const estimate =
    read.length === 0
      ? text(SMALL_WIDTH / 2, SMALL_HEIGHT / 2, 'no estimate yet', {
          anchor: 'middle',
          className: 'sub',
        })
      : `<path class="curve neutral-line" d="${path(read.map((p) => xy(p, p.relativeLift?.estimate ?? 0)))}"/>`;
  const tickValues = niceTicks(low, high, 4);
  const decimals = tickDecimals(tickValues, 100);
  const ticks = gridLines(tickValues, y, (v) => formatSignedPercent(v, decimals));
  const last = points[points.length - 1];
  const first = points[0];
  const dates =
    first === undefined || last === undefined
      ? ''
      : text(PAD.left, SMALL_HEIGHT - 6, new Date(first.asOf).toISOString().slice(5, 10), {
          size: 10,
        }) +
        text(
          SMALL_WIDTH - PAD.right,
          SMALL_HEIGHT - 6,
          new Date(last.asOf).toISOString().slice(5, 10),
          {
            anchor: 'end',
            size: 10,
          },
        );
  return smallChart(
    id,
    `${name}: relative lift as it read each ${step}`,
    `The line is the relative lift as it read at the end of each ${step} since the start of the period, the band its interval, both cut at ±100%; the dashed line is zero.`,
    ticks + band + line(PAD.left, y(0), SMALL_WIDTH - PAD.right, y(0), 'zero') + estimate + dates,
  );
}

/** "as read on 2 Oct, 3 Oct and 4 Oct"; more than three as how many, and from when to when. */
function readsWords(times: readonly (Date | string)[]): string {
  const days = times.map(formatDay);
  if (days.length > 3) {
    return `in ${days.length} reads (${days[0]} to ${days[days.length - 1]})`;
  }
  const last = days.pop();
  return `as read on ${days.length === 0 ? '' : `${days.join(', ')} and `}${last ?? ''}`;
}

/**
 * What the lift-over-time chart of `points` cuts at ±100%, for its caption: "The band as read on
 * 2 Oct and 3 Oct goes beyond ±100% and is cut there, and the line as read on 3 Oct.", or ''
 * when nothing is cut.
 */
export function clippedNote(points: readonly LiftPoint[]): string {
  const beyond = (v: number) => Math.abs(v) > LIFT_LIMIT;
  const bandCut = points.filter(
    (p) => p.relativeLift !== null && (beyond(p.relativeLift.low) || beyond(p.relativeLift.high)),
  );
  if (bandCut.length === 0) {
    return '';
  }
  const lineCut = bandCut.filter((p) => beyond(p.relativeLift?.estimate ?? 0));
  return (
    `The band ${readsWords(bandCut.map((p) => p.asOf))} goes beyond ±100% and is cut there` +
    (lineCut.length === 0 ? '.' : `, and the line ${readsWords(lineCut.map((p) => p.asOf))}.`)
  );
}

/**
 * One trigger's conversion rate by time since the firing, treated (solid) and holdout (dashed),
 * with the trigger's window W marked: how soon its effect shows against how long the signal is
 * worth acting on.
 */
export function conversionCurveChart(
  id: string,
  name: string,
  points: readonly CurvePoint[],
  windowMs: number | null,
): string {
  const since = points.map((p) => p.sinceMs);
  const maxSince = Math.max(...since, 1);
  const x = linearScale([0, maxSince], [PAD.left, SMALL_WIDTH - PAD.right]);
  const rates = points.flatMap((p) => [p.treatmentRate, p.holdoutRate]);
  const y = linearScale([0, Math.max(...rates, 0.01) * 1.1], [SMALL_HEIGHT - PAD.bottom, PAD.top]);
  const curve = (rate: (p: CurvePoint) => number, className: string) =>
    `<path class="${className}" d="${path([[x(0), y(0)], ...points.map((p): [number, number] => [x(p.sinceMs), y(rate(p))])])}"/>`;
  const ticks = gridLines(
    niceTicks(0, Math.max(...rates, 0.01) * 1.1, 4),
    y,
    (v) => `${round(v * 1000) / 10}%`,
  );
  const window =
    windowMs === null || windowMs <= 0 || windowMs > maxSince
      ? ''
      : line(x(windowMs), PAD.top, x(windowMs), SMALL_HEIGHT - PAD.bottom, 'window-line') +
        text(x(windowMs) + 3, PAD.top + 8, `W ${formatDuration(windowMs)}`, { size: 10 });
  return smallChart(
    id,
    `${name}: conversion rate by time since the firing`,
    'Share of treated (solid) and holdout (dashed) persons converted by each time since their first firing, over those observed that long; the vertical line is the trigger’s window.',
    ticks +
      window +
      curve((p) => p.holdoutRate, 'curve holdout-line') +
      curve((p) => p.treatmentRate, 'curve treated-line') +
      text(PAD.left, SMALL_HEIGHT - 6, '0', { size: 10 }) +
      text(SMALL_WIDTH - PAD.right, SMALL_HEIGHT - 6, `C ${formatDuration(maxSince)}`, {
        anchor: 'end',
        size: 10,
      }),
  );
}
