// The report's charts, drawn as SVG on the server. Colours come from CSS classes (see styles.ts),
// so one drawing reads on screen, in dark mode and on paper.
import type { PressureBucket } from '../../measurement/index.js';
import {
  formatDuration,
  formatInteger,
  formatPercent,
  formatPoints,
  formatQValue,
  formatSignedPercent,
} from './format.js';
import type { LatencyView, ReportView, SuppressionView, TriggerView } from './report-view.js';
import { isHarm, LATENCY_GOOD_RATE } from './report-view.js';
import {
  arrow,
  chart,
  circle,
  clip,
  domainWithZero,
  line,
  linearScale,
  logScale,
  niceTicks,
  rect,
  round,
  text,
  tickDecimals,
  type Scale,
} from './svg.js';

const WIDTH = 760;
const PLOT_LEFT = 250;

/** Vertical grid lines and tick labels of a horizontal axis, from `top` to `bottom`. */
function xAxis(
  scale: Scale,
  ticks: readonly number[],
  label: (value: number) => string,
  top: number,
  bottom: number,
): string {
  return ticks
    .map(
      (t) =>
        line(scale(t), top, scale(t), bottom, 'grid') +
        text(scale(t), bottom + 14, label(t), { anchor: 'middle', className: 'tick' }),
    )
    .join('');
}

/** An interval with its point: a line with caps, arrows where it leaves the axis. */
function intervalMark(
  scale: Scale,
  low: number,
  high: number,
  estimate: number,
  y: number,
  tone: string,
  dashed = false,
): string {
  const [d0, d1] = scale.domain;
  const x0 = scale(Math.max(low, d0));
  const x1 = scale(Math.min(high, d1));
  const parts = [line(x0, y, x1, y, `ci ${tone}${dashed ? ' dashed' : ''}`)];
  parts.push(
    low < d0 ? arrow(x0, y, 'left', `fill-${tone}`) : line(x0, y - 5, x0, y + 5, `ci ${tone}`),
  );
  parts.push(
    high > d1 ? arrow(x1, y, 'right', `fill-${tone}`) : line(x1, y - 5, x1, y + 5, `ci ${tone}`),
  );
  if (estimate >= d0 && estimate <= d1) {
    parts.push(circle(scale(estimate), y, 5.5, `point fill-${tone}`));
  }
  return parts.join('');
}

function toneOf(view: TriggerView): string {
  if (view.srmFlagged) {
    return 'warn';
  }
  switch (view.significance) {
    case 'positive':
      return 'good';
    case 'negative':
      return 'bad';
    case 'none':
      return 'neutral';
  }
}

function statusText(view: TriggerView, alpha: number): string {
  if (view.srmFlagged) {
    return '⚠ SRM: do not trust';
  }
  if (view.tooLittleData) {
    return 'too little data';
  }
  const q = view.lift.qValue;
  const qValue = q === null ? null : formatQValue(q, alpha);
  const qText = qValue === null ? '' : `q ${qValue.startsWith('<') ? '' : '= '}${qValue}`;
  switch (view.significance) {
    case 'positive':
      return `✓ ${qText}`;
    case 'negative':
      return `✗ loss · ${qText}`;
    case 'none':
      return `not significant · ${qText}`;
  }
}

/** What one row of a row chart shows, left to right. */
interface ChartRow {
  /** The trigger's name, first line on the left. */
  name: string;
  /** Second line on the left. */
  sub: string;
  /** The row's marks in the plot. */
  plot: string;
  /** First line on the right, and its class. */
  value: string;
  valueClass: string;
  /** Second line on the right, and its class. */
  note: string;
  noteClass: string;
}

/** The frame shared by the charts that draw one striped row per trigger against an x axis. */
interface RowChartFrame {
  id: string;
  title: string;
  description: string;
  /** Column headings: left, over the plot, right. */
  heads: readonly [string, string, string];
  rowHeight: number;
  plotRight: number;
  /** Offset from the row's middle of the first text line on either side. */
  firstLineDy: number;
  axis: (top: number, bottom: number) => string;
  /** The scale whose zero gets a line, when zero means "no change". */
  zeroOf?: Scale;
}

const ROWS_TOP = 30;

/** A chart of striped rows, one per item, with headings, an axis and an optional zero line. */
function rowChart<T>(
  frame: RowChartFrame,
  items: readonly T[],
  draw: (item: T, cy: number) => ChartRow,
): string {
  const { rowHeight, plotRight, firstLineDy } = frame;
  const top = ROWS_TOP;
  const bottom = top + items.length * rowHeight;
  const [left, middle, right] = frame.heads;
  const body: string[] = [
    text(0, 16, left, { className: 'head' }),
    text((PLOT_LEFT + plotRight) / 2, 16, middle, { anchor: 'middle', className: 'head' }),
    text(WIDTH, 16, right, { anchor: 'end', className: 'head' }),
    frame.axis(top, bottom),
  ];
  items.forEach((item, index) => {
    const y = top + index * rowHeight;
    const cy = y + rowHeight / 2;
    if (index % 2 === 0) {
      body.push(rect(0, y, WIDTH, rowHeight, 'stripe'));
    }
    const row = draw(item, cy);
    body.push(text(6, cy + firstLineDy, clip(row.name, 32), { className: 'label' }));
    body.push(text(6, cy + 12, row.sub, { className: 'sub' }));
    body.push(row.plot);
    body.push(
      text(WIDTH - 6, cy + firstLineDy, row.value, { anchor: 'end', className: row.valueClass }),
    );
    body.push(text(WIDTH - 6, cy + 12, row.note, { anchor: 'end', className: row.noteClass }));
  });
  if (frame.zeroOf !== undefined) {
    body.push(line(frame.zeroOf(0), top - 4, frame.zeroOf(0), bottom, 'zero'));
  }
  return chart(frame.id, WIDTH, bottom + 30, frame.title, frame.description, body.join(''));
}

/** In place of an interval: why there is none. */
function noEstimate(plotRight: number, cy: number, tooLittleData: boolean): string {
  return text(
    (PLOT_LEFT + plotRight) / 2,
    cy + 4,
    tooLittleData ? 'too little data to tell' : 'no estimate',
    { anchor: 'middle', className: 'sub italic' },
  );
}

/**
 * Forest plot: relative lift of the conversion rate with its interval per trigger, best first.
 * Green/red: significant after Benjamini–Hochberg; grey: not; amber dashed: SRM (not to be
 * trusted); no mark: too little data.
 */
export function forestPlot(view: ReportView): string {
  const rows = view.triggers;
  const plotRight = 460;
  const values = rows
    .filter((r) => !r.tooLittleData && r.lift.relativeLift !== null)
    .flatMap((r) => [r.lift.relativeLift?.low ?? 0, r.lift.relativeLift?.high ?? 0]);
  const [low, high] = domainWithZero(values);
  const scale = linearScale([Math.max(low, -1), Math.min(high, 3)], [PLOT_LEFT + 6, plotRight]);
  const ticks = niceTicks(scale.domain[0], scale.domain[1], 5);
  const decimals = tickDecimals(ticks, 100);
  const frame: RowChartFrame = {
    id: 'forest-plot',
    title: 'Relative lift of the conversion rate per trigger',
    description:
      'For each trigger, the change of its conversion rate against its holdout group, with the ' +
      `${formatPercent(view.measures.confidence, 0)} interval. Significance is judged after the ` +
      'Benjamini–Hochberg correction.',
    heads: ['Trigger', 'Change in conversion rate vs holdout', 'Relative change · in points'],
    rowHeight: 46,
    plotRight,
    firstLineDy: -4,
    axis: (top, bottom) =>
      xAxis(scale, ticks, (t) => formatSignedPercent(t, decimals), top, bottom),
    zeroOf: scale,
  };
  return rowChart(frame, rows, (row, cy) => {
    const lift = row.lift;
    const tone = toneOf(row);
    const relative = lift.relativeLift;
    const estimated = !(row.tooLittleData || relative === null);
    const points = lift.absoluteLift;
    const pointsText =
      points === null || row.tooLittleData
        ? ''
        : `${formatPoints(points.estimate).replace(' pts', '')} [${formatPoints(points.low).replace(' pts', '')}, ${formatPoints(points.high).replace(' pts', '')}] pts · `;
    return {
      name: row.name,
      sub: `${row.channel} · ${formatInteger(lift.treatment.persons)} treated, ${formatInteger(lift.holdout.persons)} held out`,
      plot: !estimated
        ? noEstimate(plotRight, cy, row.tooLittleData)
        : intervalMark(
            scale,
            relative.low,
            relative.high,
            relative.estimate,
            cy,
            tone,
            row.srmFlagged,
          ),
      value: !estimated
        ? '—'
        : `${formatSignedPercent(relative.estimate)} [${formatSignedPercent(relative.low)}, ${formatSignedPercent(relative.high)}]`,
      valueClass: 'value',
      note: `${pointsText}${statusText(row, view.alpha)}`,
      noteClass: `sub text-${tone}`,
    };
  });
}

const LATENCY_TICKS: [number, string][] = [
  [100, '0.1 s'],
  [1000, '1 s'],
  [10_000, '10 s'],
  [60_000, '1 min'],
  [600_000, '10 min'],
  [3_600_000, '1 h'],
  [21_600_000, '6 h'],
  [86_400_000, '1 d'],
  [604_800_000, '7 d'],
  [2_592_000_000, '30 d'],
];

/**
 * Latency against the window: per trigger and channel, the bar runs from the median (dot) to the
 * 90th percentile (tick) of signal-to-action time on a log scale; the diamond marks the trigger's
 * window. Green: 90% act within the window; amber: the median does; red: most do not.
 */
export function latencyChart(rows: readonly LatencyView[]): string {
  const plotRight = 560;
  const values = rows
    .flatMap((r) => [r.p50Ms, r.p90Ms, r.windowMs ?? r.p50Ms])
    .filter((v) => v > 0);
  const min = Math.max(100, Math.min(...values, 1000) / 2);
  const max = Math.max(...values, 60_000) * 2;
  const scale = logScale([min, max], [PLOT_LEFT + 6, plotRight]);
  const ticks = LATENCY_TICKS.filter(([v]) => v >= min && v <= max);
  const frame: RowChartFrame = {
    id: 'latency-chart',
    title: 'Signal-to-action latency against each trigger’s window',
    description:
      'Per trigger and channel, the median and 90th percentile of the time from signal to action ' +
      '(log scale) and the window in which the signal is worth acting on.',
    heads: [
      'Trigger · channel',
      'Signal to action (median → 90th percentile)',
      'In window · expired',
    ],
    rowHeight: 40,
    plotRight,
    firstLineDy: -3,
    axis: (top, bottom) =>
      xAxis(
        scale,
        ticks.map(([v]) => v),
        (v) => ticks.find(([t]) => t === v)?.[1] ?? '',
        top,
        bottom,
      ),
  };
  return rowChart(frame, rows, (row, cy) => {
    const tone = toneFor(row.state);
    const inWindow =
      row.withinWindowRate === null
        ? 'no window'
        : formatPercent(row.withinWindowRate, 0, [LATENCY_GOOD_RATE]);
    const expired = row.expiredShare === null ? '' : ` · ${formatPercent(row.expiredShare, 1)}`;
    return {
      name: row.name,
      sub: `${row.channel} · ${formatInteger(row.firings)} measured firings`,
      plot: latencyMarks(scale, row, cy),
      value: `${inWindow}${expired}`,
      valueClass: `value text-${tone}`,
      note: `p50 ${formatDuration(row.p50Ms)} · p90 ${formatDuration(row.p90Ms)}${row.windowMs === null ? '' : ` · W ${formatDuration(row.windowMs)}`}`,
      noteClass: 'sub',
    };
  });
}

/** The median-to-p90 bar of one latency row and the diamond of its window. */
function latencyMarks(scale: Scale, row: LatencyView, cy: number): string {
  const tone = toneFor(row.state);
  const x50 = scale(row.p50Ms);
  const x90 = scale(row.p90Ms);
  const parts = [
    rect(x50, cy - 5, x90 - x50, 10, `bar fill-${tone}`, 3),
    circle(x50, cy, 5, `point fill-${tone}`),
    line(x90, cy - 8, x90, cy + 8, `ci ${tone}`),
  ];
  if (row.windowMs !== null) {
    const xw = scale(row.windowMs);
    parts.push(
      `<polygon points="${round(xw)},${round(cy - 11)} ${round(xw + 6)},${round(cy - 5)} ${round(xw)},${round(cy + 1)} ${round(xw - 6)},${round(cy - 5)}" class="window"/>`,
    );
    parts.push(line(xw, cy - 5, xw, cy + 12, 'window-line'));
  }
  return parts.join('');
}

function toneFor(state: LatencyView['state']): string {
  switch (state) {
    case 'good':
      return 'good';
    case 'warn':
      return 'warn';
    case 'bad':
      return 'bad';
    case 'none':
      return 'neutral';
  }
}

/**
 * Harm side: the change of the overwhelm rate (persons who unsubscribed, complained, ...) and of
 * the regret rate (converting orders returned or refunded) per trigger, in percentage points.
 * Red: significantly more harm than the holdout.
 */
export function harmChart(view: ReportView): string {
  const rows = view.guardrails;
  const plotRight = 520;
  const values = rows
    .filter((r) => r.absoluteLift !== null && !r.verdict.startsWith('too little data'))
    .flatMap((r) => [r.absoluteLift?.low ?? 0, r.absoluteLift?.high ?? 0]);
  const scale = linearScale(domainWithZero(values), [PLOT_LEFT + 6, plotRight]);
  const ticks = niceTicks(scale.domain[0], scale.domain[1], 5);
  // ticks can be 0.05 points apart: as many decimals as their step has, so each reads apart
  const decimals = tickDecimals(ticks, 100);
  const frame: RowChartFrame = {
    id: 'harm-chart',
    title: 'Overwhelm and regret per trigger',
    description:
      'The change, against the holdout, of the share of persons who unsubscribed or complained and ' +
      'of the share of orders returned or refunded, with intervals.',
    heads: ['Trigger · harm', 'Change vs holdout (percentage points)', 'Treated vs holdout rate'],
    rowHeight: 40,
    plotRight,
    firstLineDy: -3,
    axis: (top, bottom) =>
      xAxis(scale, ticks, (t) => formatPoints(t, decimals).replace(' pts', ''), top, bottom),
    zeroOf: scale,
  };
  return rowChart(frame, rows, (row, cy) => {
    const lift = row.absoluteLift;
    const tooLittle = row.verdict.startsWith('too little data');
    // the trigger's split is broken: its harm-side figures are shown, marked not to be trusted
    const distrusted = row.verdict.startsWith('SRM');
    const tone = distrusted
      ? 'warn'
      : isHarm(row)
        ? 'bad'
        : lift !== null && lift.high < 0
          ? 'good'
          : 'neutral';
    const estimated = !(lift === null || tooLittle);
    return {
      name: row.name,
      sub:
        row.outcomeClass === 'overwhelm'
          ? 'overwhelm: unsubscribes, complaints, …'
          : 'regret: returns, refunds',
      plot: !estimated
        ? noEstimate(plotRight, cy, tooLittle)
        : intervalMark(scale, lift.low, lift.high, lift.estimate, cy, tone),
      value: `${formatPercent(row.treatment.rate)} vs ${formatPercent(row.holdout.rate)}`,
      valueClass: `value text-${tone}`,
      note: !estimated
        ? ''
        : `${formatPoints(lift.estimate)}${distrusted ? ' · do not trust (SRM)' : tone === 'bad' ? ' · harm' : ''}`,
      noteClass: `sub text-${tone}`,
    };
  });
}

/**
 * Dose-response: the share of sent firings followed by an overwhelm outcome within 7 days, by how
 * many firings the person had received in the 7 days before (message pressure).
 */
export function doseResponseChart(buckets: readonly PressureBucket[], minFirings: number): string {
  const height = 250;
  const left = 64;
  const right = WIDTH - 20;
  const top = 24;
  const bottom = height - 52;
  const maxRate = Math.max(0.01, ...buckets.map((b) => b.overwhelmRate));
  const y = linearScale([0, maxRate * 1.2], [bottom, top]);
  const ticks = niceTicks(0, maxRate * 1.2, 4);
  const decimals = tickDecimals(ticks, 100);
  const slot = (right - left) / Math.max(1, buckets.length);
  const body: string[] = [];
  for (const t of ticks) {
    body.push(line(left, y(t), right, y(t), 'grid'));
    body.push(
      text(left - 8, y(t) + 4, formatPercent(t, decimals), {
        anchor: 'end',
        className: 'tick',
      }),
    );
  }
  const points: string[] = [];
  buckets.forEach((bucket, index) => {
    const cx = left + slot * (index + 0.5);
    const barWidth = Math.min(90, slot * 0.5);
    const enough = bucket.firings >= minFirings;
    body.push(
      rect(
        cx - barWidth / 2,
        y(bucket.overwhelmRate),
        barWidth,
        bottom - y(bucket.overwhelmRate),
        `bar ${enough ? 'fill-bad soft' : 'fill-neutral soft'}`,
        3,
      ),
    );
    body.push(
      text(
        cx,
        y(bucket.overwhelmRate) - 10,
        enough ? formatPercent(bucket.overwhelmRate) : 'too few to tell',
        { anchor: 'middle', className: enough ? 'value' : 'sub italic' },
      ),
    );
    body.push(
      text(
        cx,
        bottom + 18,
        `${bucket.bucket} firing${bucket.bucket === '1' ? '' : 's'} in 7 days`,
        {
          anchor: 'middle',
          className: 'label',
        },
      ),
    );
    body.push(
      text(cx, bottom + 34, `${formatInteger(bucket.firings)} firings`, {
        anchor: 'middle',
        className: 'sub',
      }),
    );
    if (enough) {
      points.push(`${round(cx)},${round(y(bucket.overwhelmRate))}`);
    }
  });
  body.push(line(left, bottom, right, bottom, 'axis'));
  if (points.length > 1) {
    body.push(`<polyline points="${points.join(' ')}" class="curve"/>`);
  }
  for (const point of points) {
    const [px, py] = point.split(',').map(Number);
    body.push(circle(px ?? 0, py ?? 0, 4.5, 'point fill-bad'));
  }
  return chart(
    'dose-response',
    WIDTH,
    height,
    'Overwhelm rate by message pressure',
    'Share of sent firings followed within 7 days by an unsubscribe, complaint, opt-out, ' +
      'uninstall or dismissal, by the number of firings the person got in the 7 days before. ' +
      `Buckets with fewer than ${minFirings} firings are shown grey and left off the curve.`,
    body.join(''),
  );
}

/**
 * Contacts that should not have happened, per trigger: stacked counts of converted-then-targeted,
 * converted-in-flight, cap breaches and non-compliant (no consent) activations.
 */
export function complianceChart(
  suppression: readonly SuppressionView[],
  consent: ReadonlyMap<string, number>,
): string {
  const rows = suppression
    .map((row) => ({ row, consent: consent.get(row.triggerId) ?? 0 }))
    .filter(({ row, consent: c }) => row.failures + c > 0);
  const rowHeight = 34;
  const top = 48;
  const plotRight = WIDTH - 70;
  const max = Math.max(1, ...rows.map(({ row, consent: c }) => row.failures + c));
  const scale = linearScale([0, max], [PLOT_LEFT + 6, plotRight]);
  const kinds: [string, string, (r: SuppressionView, c: number) => number][] = [
    ['converted, then targeted', 'kind1', (r) => r.convertedThenTargeted],
    ['converted in flight', 'kind2', (r) => r.convertedInFlight],
    ['beyond frequency cap', 'kind3', (r) => r.capBreaches],
    ['without consent', 'kind4', (_r, c) => c],
  ];
  const body: string[] = [];
  let legendX = 0;
  for (const [label, className] of kinds) {
    body.push(rect(legendX, 6, 12, 12, className, 2));
    body.push(text(legendX + 17, 16, label, { className: 'sub' }));
    legendX += 20 + label.length * 6.4 + 14;
  }
  const bottom = top + rows.length * rowHeight;
  if (rows.length === 0) {
    body.push(
      text(WIDTH / 2, top + 20, 'No suppression or consent failures in this period.', {
        anchor: 'middle',
        className: 'sub',
      }),
    );
  }
  rows.forEach(({ row, consent: c }, index) => {
    const y = top + index * rowHeight;
    const cy = y + rowHeight / 2;
    body.push(text(6, cy + 4, clip(row.name, 32), { className: 'label' }));
    let x = scale(0);
    for (const [, className, count] of kinds) {
      const n = count(row, c);
      const width = scale(n) - scale(0);
      if (n > 0) {
        body.push(rect(x, cy - 9, width, 18, className));
      }
      x += width;
    }
    body.push(text(x + 6, cy + 4, formatInteger(row.failures + c), { className: 'value' }));
  });
  body.push(line(scale(0), top - 4, scale(0), Math.max(bottom, top + 30), 'axis'));
  return chart(
    'compliance-chart',
    WIDTH,
    Math.max(bottom, top + 30) + 12,
    'Contacts that should not have happened, per trigger',
    'Per trigger, sent firings to persons who had just converted, who converted while the message ' +
      'was in flight, beyond the frequency cap, or without consent for the purpose.',
    body.join(''),
  );
}
