// The lift report as one self-contained HTML document: inline CSS, inline SVG, no script, nothing
// fetched from elsewhere (the page's own Content-Security-Policy forbids it).
import type { Interval, RevenueCapRequest, SegmentedLift } from '../../measurement/index.js';
import { HETEROGENEITY_P_THRESHOLD } from '../../stats/index.js';
import { overTimeStep, type ReportMeasures } from '../report-measures.js';
import { revenueCapText, revenueCapWords } from '../reports.settings.js';
import {
  complianceChart,
  doseResponseChart,
  forestPlot,
  harmChart,
  latencyChart,
} from './charts.js';
import {
  formatDateTime,
  formatDuration,
  formatFixed,
  formatInteger,
  formatPercent,
  formatPeriod,
  formatPoints,
  formatQValue,
  formatSignedInteger,
  formatSignedMoney,
} from './format.js';
import { esc, join } from './html.js';
import { clippedNote, conversionCurveChart, liftOverTimeChart } from './over-time-charts.js';
import {
  buildReportView,
  LATENCY_GOOD_RATE,
  type ReportView,
  type TriggerVerdict,
  type TriggerView,
} from './report-view.js';
import { REPORT_CSS } from './styles.js';

/** Where a rendered report comes from, printed under its title. */
export interface ReportOrigin {
  /** Set for a stored snapshot: its id, when and how it was taken. */
  snapshot?: { id: string; createdAt: string; kind: string };
  /**
   * Where its revenue cap (ReportMeasures.revenueCap) came from: the REPORT_REVENUE_CAP setting
   * (absent), the report address's `?revenueCap=`, or the revenueCap a snapshot was taken with.
   */
  revenueCapFrom?: 'setting' | 'address' | 'snapshot';
}

/** The page's own policy: nothing loads, nothing runs; only its inline styles apply. */
export const REPORT_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const VERDICT_WORDS: Record<TriggerVerdict, { title: string; pill: string }> = {
  works: { title: 'Work', pill: 'works' },
  nothing: { title: 'Do nothing', pill: 'does nothing' },
  harms: { title: 'Harm', pill: 'harms' },
  unknown: { title: 'Can’t tell yet', pill: 'can’t tell' },
};

const VERDICT_WHY: Record<TriggerVerdict, string> = {
  works: 'more conversions than their holdout',
  nothing: 'no detectable difference from their holdout',
  harms: 'fewer conversions, or no gain and more unsubscribes, complaints or returns',
  unknown: 'broken split (SRM) or too little data',
};

/**
 * How the headline's totals are printed, estimate and bounds: conversions as signed whole numbers,
 * revenue as signed money. The digest repeats the headline with these, so that it reads as the
 * report attached to it.
 */
export const HEADLINE_FORMATS = {
  conversions: formatSignedInteger,
  revenue: formatSignedMoney,
} as const satisfies Record<string, (value: number) => string>;

function intervalText(interval: Interval, format: (v: number) => string): string {
  return `${format(interval.low)} to ${format(interval.high)}`;
}

/** The revenue card's title: a currency only when every valued outcome carried that one. */
export function revenueTitle(currencies: readonly string[]): string {
  const named = currencies.filter((c) => c !== '');
  const unnamed = named.length < currencies.length;
  if (named.length === 0) {
    return currencies.length === 0
      ? 'Incremental revenue'
      : 'Incremental revenue (no currency was sent)';
  }
  if (named.length === 1 && !unnamed) {
    return `Incremental revenue (${named[0] ?? ''})`;
  }
  const parts = unnamed ? [...named, 'values without a currency'] : named;
  return `Incremental revenue (${parts.join(' + ')}, summed as plain numbers)`;
}

function headline(view: ReportView): string {
  const h = view.headline;
  const conf = formatPercent(view.measures.confidence, 0);
  const card = (title: string, interval: Interval | null, format: (v: number) => string) =>
    `<div class="card"><div>${esc(title)}</div>` +
    (interval === null
      ? `<div class="big">—</div><div class="range">no trigger with a trusted estimate</div>`
      : `<div class="big">${esc(format(interval.estimate))}</div>` +
        `<div class="range">${conf} interval: ${esc(intervalText(interval, format))}</div>`) +
    `</div>`;
  const live = view.triggers.filter((t) => t.status === 'live');
  const tradeOffs = live.filter((t) => t.verdict === 'works' && t.sideEffects.length > 0);
  const why = (verdict: TriggerVerdict): string =>
    verdict === 'works' && tradeOffs.length > 0
      ? `${VERDICT_WHY.works}; ${tradeOffs.length} of them with side effects`
      : VERDICT_WHY[verdict];
  const tiles = (['works', 'nothing', 'harms', 'unknown'] as const)
    .map(
      (verdict) =>
        `<div class="tile ${verdict}"><div class="n">${h.counts[verdict]}</div>` +
        `<div class="what">${esc(VERDICT_WORDS[verdict].title)}</div>` +
        `<div class="why">${esc(why(verdict))}</div></div>`,
    )
    .join('');
  const excluded =
    h.excluded.length === 0
      ? ''
      : `<p class="summary">Left out of the totals: ${h.excluded
          .map((e) => `<strong>${esc(e.name)}</strong> (${esc(e.reason)})`)
          .join('; ')}.</p>`;
  const harmful = live.filter((t) => t.verdict === 'harms');
  const harmLine =
    harmful.length === 0
      ? ''
      : `<p class="summary">Harm: ${harmful
          .map((t) => `<strong>${esc(t.name)}</strong> (${esc(t.reason)})`)
          .join('; ')}.</p>`;
  const tradeOffLine =
    tradeOffs.length === 0
      ? ''
      : `<p class="summary">Working, with side effects to weigh: ${tradeOffs
          .map((t) => `<strong>${esc(t.name)}</strong> (${esc(t.sideEffects.join(', '))})`)
          .join('; ')}.</p>`;
  return (
    `<section id="headline"><h2>The answer in one minute</h2>` +
    `<p class="lede">What the ${h.liveTriggers} live trigger${h.liveTriggers === 1 ? '' : 's'} added over their holdout groups (persons deliberately not contacted), summed over the ${h.counted} whose split is sound and whose data suffice, significant or not${h.excluded.length === 0 ? '' : ` (the ${h.excluded.length} left out are listed below)`}.</p>` +
    `<div class="cards">${card('Incremental conversions', h.incrementalConversions, HEADLINE_FORMATS.conversions)}` +
    `${card(revenueTitle(view.measures.currencies) + cappedWords(view.measures), h.incrementalRevenue, HEADLINE_FORMATS.revenue)}</div>` +
    `<div class="tiles">${tiles}</div>${harmLine}${tradeOffLine}${excluded}</section>`
  );
}

/** The reason beside a verdict badge, in its row: why it harms, what the side effects are. */
function verdictNote(t: TriggerView): string {
  if (t.verdict === 'works' && t.sideEffects.length > 0) {
    return `<br><span class="meta">with side effects: ${esc(t.sideEffects.join(', '))}</span>`;
  }
  if (t.verdict === 'harms' || t.verdict === 'unknown') {
    return `<br><span class="meta">${esc(t.reason)}</span>`;
  }
  return '';
}

function liftSection(view: ReportView): string {
  const rows = view.triggers
    .map((t) => {
      const l = t.lift;
      const abs = l.absoluteLift;
      return (
        `<tr><td class="text">${esc(t.name)}<br><span class="meta">${esc(t.channel)}${t.status === '' ? '' : ` · ${esc(t.status)}`}</span></td>` +
        `<td>${formatInteger(l.treatment.persons)}<br><span class="meta">${formatPercent(l.treatment.rate)}</span></td>` +
        `<td>${formatInteger(l.holdout.persons)}<br><span class="meta">${formatPercent(l.holdout.rate)}</span></td>` +
        `<td>${abs === null || t.tooLittleData ? '—' : `${esc(formatPoints(abs.estimate))}<br><span class="meta">[${esc(formatPoints(abs.low).replace(' pts', ''))}, ${esc(formatPoints(abs.high).replace(' pts', ''))}]</span>`}</td>` +
        `<td>${l.incrementalConversions === null || t.tooLittleData ? '—' : esc(formatSignedInteger(l.incrementalConversions.estimate))}</td>` +
        `<td>${l.qValue === null || t.tooLittleData ? '—' : esc(formatQValue(l.qValue, view.alpha))}</td>` +
        `<td class="text"><span class="pill ${t.verdict}">${esc(VERDICT_WORDS[t.verdict].pill)}</span>${verdictNote(t)}</td></tr>`
      );
    })
    .join('');
  const flagged = view.triggers.filter((t) => t.srmFlagged);
  const srmNote =
    flagged.length === 0
      ? ''
      : `<p class="summary warn-text"><strong>Do not trust</strong> ${flagged
          .map((t) => esc(t.name))
          .join(', ')}: ${flagged
          .map((t) => esc(t.lift.verdict.replace(/^SRM: do not trust: /, '')))
          .join('; ')}.</p>`;
  // the family the q-values were corrected over: the rows with a p-value (benjaminiHochberg);
  // a trigger with an empty arm has none
  const tested = view.triggers.filter((t) => t.lift.pValue !== null).length;
  return (
    `<section id="lift"><h2>Which triggers work</h2>` +
    `<p class="lede">Each line is one trigger: the dot is the best estimate of how much it changes the conversion rate compared with its holdout group, the bar the range the true value most likely lies in. A bar that crosses the dashed zero line means no detectable effect.</p>` +
    `<figure>${forestPlot(view)}<figcaption class="legend">` +
    `<span><i class="swatch good"></i>significant gain</span><span><i class="swatch bad"></i>significant loss</span>` +
    `<span><i class="swatch neutral"></i>not significant</span><span><i class="swatch warn"></i>SRM: split broken, not to be trusted</span>` +
    `<span>Significance after the Benjamini–Hochberg correction over the ${tested} triggers with persons in both arms (q &lt; ${esc(view.alpha.toFixed(2))}), tested on the change in points (right). The relative range also carries the uncertainty of the holdout’s own rate, so with a small holdout it can cross zero while the change in points does not.</span></figcaption></figure>` +
    srmNote +
    revenueCapNote(view) +
    `<table><thead><tr><th>Trigger</th><th>Treated · rate</th><th>Holdout · rate</th><th>Change (points)</th><th>Incremental conversions</th><th>q-value</th><th>Verdict</th></tr></thead><tbody>${rows}</tbody></table>` +
    segmentsNote(view) +
    planNote(view) +
    `</section>`
  );
}

/**
 * "Lift over time": a small chart per live trigger of its relative lift as it read each day (each
 * week over a long period), and the conversion curves of the top triggers against their windows.
 * Absent from snapshots stored before the section existed.
 */
function overTimeSection(measures: ReportMeasures): string {
  const overTime = measures.overTime;
  if (overTime === undefined || overTime.lift.length === 0) {
    return '';
  }
  const step = overTimeStep(measures.from, measures.to);
  const trigger = (id: string) => measures.triggers.find((t) => t.triggerId === id);
  const nameOf = (id: string) => trigger(id)?.name ?? id;
  const series = overTime.lift
    .map(({ triggerId, points }, i) => {
      const clipped = clippedNote(points);
      return (
        `<div><h3>${esc(nameOf(triggerId))}</h3>${liftOverTimeChart(`lift-over-time-${i}`, nameOf(triggerId), points, step)}` +
        `<p class="sub">${esc(points[points.length - 1]?.verdict ?? '')}</p>` +
        (clipped === '' ? '' : `<p class="sub clipped">${esc(clipped)}</p>`) +
        `</div>`
      );
    })
    .join('');
  const curves = overTime.curves
    .map(
      ({ triggerId, points }, i) =>
        `<div><h3>${esc(nameOf(triggerId))}</h3>${conversionCurveChart(`conversion-curve-${i}`, nameOf(triggerId), points, trigger(triggerId)?.windowMs ?? null)}</div>`,
    )
    .join('');
  return (
    `<section id="over-time"><h2>Lift over time</h2>` +
    `<p class="lede">Each chart is one live trigger’s relative lift as it read at the end of each ${step} of the period (line) with the range the true value most likely lies in (band), both cut at ±100%. A win that holds stays above the dashed zero line as the band narrows; a novelty effect drifts down towards it. The last point counts the conversions made by the end of the period; the table above also counts those made after it within each trigger’s conversion window, so the two can differ slightly.</p>` +
    `<div class="small-multiples">${series}</div>` +
    (curves === ''
      ? ''
      : `<h2>How soon the effect shows</h2><p class="lede">For the triggers reaching the most persons: the share converted by each time since the first firing, treated (solid) against holdout (dashed), over the persons observed that long. The vertical line is the trigger’s window, the right edge its conversion window.</p>` +
        `<div class="small-multiples">${curves}</div>`) +
    `</section>`
  );
}

/**
 * What it would take to tell, for each live trigger that cannot yet (holdoutPlan with the report's
 * +10%): the lift the persons seen can detect, the persons and days +10% needs at the current
 * rate and split, and the holdout share that would see it within 28 days.
 */
function planNote(view: ReportView): string {
  const plans = view.measures.plans ?? [];
  if (plans.length === 0) {
    return '';
  }
  const byId = new Map(view.triggers.map((t) => [t.triggerId, t]));
  const items = plans
    .map((plan) => {
      const trigger = byId.get(plan.triggerId);
      const seen =
        trigger === undefined ? 0 : trigger.lift.treatment.persons + trigger.lift.holdout.persons;
      const now =
        plan.currentMde === null
          ? `with the ${formatInteger(seen)} persons seen it cannot detect any lift yet (no conversions in its holdout to compare with)`
          : `with the ${formatInteger(seen)} persons seen it detects a lift of ${formatPercent(plan.currentMde, 1)} or more`;
      const needs =
        plan.daysToDetect === null
          ? ''
          : `; to detect +10% it needs about ${formatInteger(plan.daysToDetect * plan.personsPerDay)} persons: ${formatInteger(Math.ceil(plan.daysToDetect))} days at the current ${formatInteger(plan.personsPerDay)} a day and ${formatPercent(plan.holdoutShare, 0)} holdout`;
      const share =
        plan.daysToDetect === null
          ? ''
          : plan.requiredHoldoutShareIn28Days === null
            ? ', and not even a 50% holdout would within 28 days'
            : `, or ${formatPercent(plan.requiredHoldoutShareIn28Days, 0)} held out to know within 28 days`;
      const why =
        trigger?.tooLittleData === true
          ? 'too little data'
          : 'no detectable change in conversions yet';
      return `<li data-trigger="${esc(plan.triggerId)}"><strong>${esc(trigger?.name ?? plan.triggerId)}</strong> <span class="meta">(${why})</span>: ${esc(now + needs + share)}.</li>`;
    })
    .join('');
  return (
    `<div id="plans"><h3>Can’t tell yet: what it would take</h3>` +
    `<p class="lede">For each live trigger that cannot tell yet: how large a lift the persons already seen could reveal (80% power, 5% significance), and how many persons, and so days at its current pace, a +10% lift needs.</p>` +
    `<ul class="summary">${items}</ul></div>`
  );
}

/**
 * "p = 0.012", or "p = 2.9 × 10⁻¹⁷" (as HTML) below 0.001; against a `threshold`, never on or
 * across it (0.0496 against 0.05 reads "p = 0.0496", not "p = 0.050").
 */
export function pValueHtml(p: number, threshold?: number): string {
  if (p >= 0.001) {
    return `p = ${formatFixed(p, 3, { boundaries: threshold === undefined ? [] : [threshold] })}`;
  }
  if (p === 0) {
    return 'p &lt; 10<sup>−300</sup>';
  }
  const [mantissa, exponent] = p.toExponential(1).split('e');
  return `p = ${mantissa} × 10<sup>${exponent.replace('-', '−')}</sup>`;
}

/** "property tier", "channel": the dimension of a segmented answer in words. */
function dimensionWords(by: string): string {
  return by.startsWith('property:') ? `property ${by.slice('property:'.length)}` : by;
}

/** "+19.64 pts [15.61, 23.67]" of an interval, "—" without one. */
function pointsWithRange(interval: Interval | null): string {
  if (interval === null) {
    return '—';
  }
  const bare = (v: number) => formatPoints(v).replace(' pts', '');
  return `${esc(formatPoints(interval.estimate))} <span class="meta">[${esc(bare(interval.low))}, ${esc(bare(interval.high))}]</span>`;
}

/** One flagged answer of liftSegments: its test, and each segment raw and shrunk. */
function segmentTable(answer: SegmentedLift, name: string): string {
  const h = answer.heterogeneity!;
  const rows = answer.segments
    .map(
      (s) =>
        `<tr><td class="text">${esc(s.segment)}</td>` +
        `<td>${formatInteger(s.treatment.persons)}<br><span class="meta">${formatPercent(s.treatment.rate)}</span></td>` +
        `<td>${formatInteger(s.holdout.persons)}<br><span class="meta">${formatPercent(s.holdout.rate)}</span></td>` +
        `<td>${pointsWithRange(s.absoluteLift)}</td><td class="shrunk">${pointsWithRange(s.shrunkLift)}</td></tr>`,
    )
    .join('');
  return (
    `<div class="segment-check" data-trigger="${esc(answer.triggerId)}" data-by="${esc(answer.by)}">` +
    `<h4>${esc(name)} <span class="meta">by ${esc(dimensionWords(answer.by))}: Cochran’s Q = ${esc(formatFixed(h.q, 1))} on ${h.df} df, <span class="p-value">${pValueHtml(h.pValue, HETEROGENEITY_P_THRESHOLD)}</span></span></h4>` +
    `<table><thead><tr><th>Segment</th><th>Treated · rate</th><th>Holdout · rate</th><th>Change (points)</th><th>Shrunk change (points)</th></tr></thead><tbody>${rows}</tbody></table></div>`
  );
}

/**
 * The live triggers whose segments respond differently (liftSegments flags them): a table per
 * trigger and dimension. Nothing when none is flagged.
 */
function segmentsNote(view: ReportView): string {
  const segments = view.measures.segments;
  if (segments === undefined || segments.flagged.length === 0) {
    return '';
  }
  const nameOf = new Map(view.triggers.map((t) => [t.triggerId, t.name]));
  const dims = segments.dimensions.map(dimensionWords).join(', ');
  return (
    `<div id="segments"><h3>Who responds differently</h3>` +
    `<p class="lede">Each live trigger’s lift was split by ${esc(dims)} (${segments.tested} split${segments.tested === 1 ? '' : 's'} with segments to compare). In ${segments.flagged.length === 1 ? 'this one' : `these ${segments.flagged.length}`}, the segments differ more than chance allows (Cochran’s Q, p &lt; 0.05): the trigger’s single figure hides who it works for. The shrunk change pulls each segment toward the typical one by as much as its own data are noisy (empirical Bayes), so a small segment’s luck is not read as a finding.</p>` +
    segments.flagged
      .map((answer) => segmentTable(answer, nameOf.get(answer.triggerId) ?? answer.triggerId))
      .join('') +
    `</div>`
  );
}

/** ", capped at the 99th percentile" for the revenue card, when revenue is capped. */
function cappedWords(measures: ReportMeasures): string {
  const cap = measures.revenueCap ?? null;
  return cap === null ? '' : `, capped at ${revenueCapWords(cap)}`;
}

/** A cap as an amount: whole as given (500), else to the cent (233.57). */
function capAmount(value: number): string {
  return Number.isInteger(value) ? formatInteger(value) : formatFixed(value, 2);
}

/** When revenue is capped: at which percentile or amount, and each trigger's cap. */
function revenueCapNote(view: ReportView): string {
  const cap = view.measures.revenueCap ?? null;
  if (cap === null) {
    return '';
  }
  const caps = view.triggers
    .filter((t) => t.lift.revenueCapValue !== null && t.lift.revenueCapValue !== undefined)
    .map((t) => `${esc(t.name)} ${esc(capAmount(t.lift.revenueCapValue!))}`)
    .join(', ');
  const rule =
    cap.percentile === null || cap.percentile === undefined
      ? `at most ${esc(capAmount(cap.value!))} per person`
      : `at most ${esc(revenueCapWords(cap))} of the trigger’s revenues above 0 (both groups, type-7 quantile)`;
  return (
    `<p class="summary" id="revenue-cap"><strong>Revenue is capped:</strong> each person’s revenue in a trigger’s conversion window counts ${rule}, so that a few very large orders do not decide the revenue figures.` +
    (caps === '' || cap.percentile === null || cap.percentile === undefined
      ? ''
      : ` The cap of each trigger: ${caps}.`) +
    `</p>`
  );
}

function latencySection(view: ReportView): string {
  const rows = view.latency;
  const slow = rows.filter((r) => r.state === 'bad' || r.state === 'warn');
  const expired = rows.reduce((sum, r) => sum + r.expired, 0);
  const measured = rows.reduce((sum, r) => sum + (r.windowMs === null ? 0 : r.firings), 0);
  // the sent firings without a signal time, counted by the other sections and measured by none
  // here: those of the listed triggers, and every sent firing of a trigger with none measured
  const listed = new Set(rows.map((r) => r.triggerId));
  const unmeasured =
    rows.reduce((sum, r) => sum + r.noSignalTime, 0) +
    view.measures.suppression
      .filter((s) => !listed.has(s.triggerId))
      .reduce((sum, s) => sum + s.sentFirings, 0);
  const unmeasuredNote =
    unmeasured === 0
      ? ''
      : ` ${formatInteger(unmeasured)} sent firing${unmeasured === 1 ? ' is' : 's are'} not measured: no signal time is known for ${unmeasured === 1 ? 'it' : 'them'} (no signal_at, and no stored signal under ${unmeasured === 1 ? 'its' : 'their'} signal_event_id).`;
  const summary =
    rows.length === 0
      ? '<p class="summary">No sent firing with a known signal time in this period.</p>'
      : `<p class="summary">${formatInteger(expired)} of ${formatInteger(measured)} measured firings (${formatPercent(measured === 0 ? 0 : expired / measured)}) acted after their trigger’s window had closed: the signal was already stale.${slow.length === 0 ? ` Every trigger acts within its window for at least ${formatPercent(LATENCY_GOOD_RATE, 0)} of its firings.` : ` Too slow: ${slow.map((r) => `<strong>${esc(r.name)}</strong> on ${esc(r.channel)}`).join(', ')}.`}${unmeasuredNote}</p>`;
  const table = rows
    .map(
      (r) =>
        `<tr><td class="text">${esc(r.name)}</td><td class="text">${esc(r.channel)}</td><td>${formatInteger(r.firings)}</td>` +
        `<td>${esc(formatDuration(r.p50Ms, r.windowMs ?? undefined))}</td><td>${esc(formatDuration(r.p90Ms, r.windowMs ?? undefined))}</td>` +
        `<td>${r.windowMs === null ? '—' : esc(formatDuration(r.windowMs))}</td>` +
        `<td>${r.withinWindowRate === null ? '—' : formatPercent(r.withinWindowRate, 1, [LATENCY_GOOD_RATE])}</td>` +
        `<td>${r.expiredShare === null ? '—' : formatPercent(r.expiredShare)}</td></tr>`,
    )
    .join('');
  return (
    `<section id="latency"><h2>Are we fast enough?</h2>` +
    `<p class="lede">A signal (an abandoned cart, a pricing-page visit) is worth acting on for a limited time: the trigger’s window. This is how long each trigger took from signal to action, per channel.</p>` +
    summary +
    (rows.length === 0
      ? ''
      : `<figure>${latencyChart(rows)}<figcaption class="legend">` +
        `<span><i class="swatch good"></i>at least 90% within the window</span><span><i class="swatch warn"></i>only the median within</span>` +
        `<span><i class="swatch bad"></i>most firings too late</span><span><i class="swatch window"></i>the trigger’s window</span>` +
        `<span>dot: median · bar end: 90th percentile · log scale</span></figcaption></figure>` +
        `<table><thead><tr><th>Trigger</th><th>Channel</th><th>Measured firings</th><th>Median</th><th>90th pct.</th><th>Window</th><th>Within window</th><th>Expired</th></tr></thead><tbody>${table}</tbody></table>`) +
    `</section>`
  );
}

/** Fewest firings in a pressure bucket for its overwhelm rate to be read (as persons per arm in lift). */
const MIN_BUCKET_FIRINGS = 100;

function harmSection(view: ReportView): string {
  const pressure = view.measures.pressure;
  const buckets = pressure.doseResponse;
  const first = buckets[0];
  const last = [...buckets].reverse().find((b) => b.firings >= MIN_BUCKET_FIRINGS);
  const curve =
    first === undefined ||
    last === undefined ||
    last === first ||
    first.firings < MIN_BUCKET_FIRINGS ||
    first.overwhelmRate === 0
      ? ''
      : ` After ${esc(last.bucket)} messages in a week, persons unsubscribed or complained ${(last.overwhelmRate / first.overwhelmRate).toFixed(1)} times as often as after one.`;
  return (
    `<section id="harm"><h2>Side effects</h2>` +
    `<p class="lede">Personalization can also drive people away. <strong>Overwhelm</strong>: the share of persons who unsubscribed, complained, opted out, uninstalled or dismissed after the trigger (or did what the program counts with these). <strong>Regret</strong>: the share of converting orders returned or refunded within 30 days. Right of zero is more harm than in the holdout group.</p>` +
    (view.guardrails.length === 0
      ? '<p class="summary">No guardrail outcomes measured in this period.</p>'
      : `<figure>${harmChart(view)}<figcaption class="legend"><span><i class="swatch bad"></i>significantly more harm</span><span><i class="swatch good"></i>significantly less</span><span><i class="swatch neutral"></i>no detectable difference</span><span><i class="swatch warn"></i>SRM: split broken, do not trust</span></figcaption></figure>`) +
    `<h3>Message pressure</h3>` +
    `<p class="summary">${formatInteger(pressure.firings)} sent firings; the median person had received ${esc(String(pressure.p50Last7d))} in the 7 days up to a firing (90th percentile: ${esc(String(pressure.p90Last7d))}); ${formatInteger(pressure.aboveCap)} (${formatPercent(pressure.aboveCapRate)}) went beyond their trigger’s frequency cap.${curve}</p>` +
    `<figure>${doseResponseChart(buckets, MIN_BUCKET_FIRINGS)}<figcaption>The dose-response curve: overwhelm within 7 days after a firing, by how many firings the person had received in the 7 days before it (including it). Buckets with fewer than ${MIN_BUCKET_FIRINGS} firings are grey and left off the curve.</figcaption></figure>` +
    `</section>`
  );
}

function complianceSection(view: ReportView): string {
  const consent = view.measures.consent;
  const suppression = view.suppression;
  const total = (pick: (s: (typeof suppression)[number]) => number) =>
    suppression.reduce((sum, s) => sum + pick(s), 0);
  const stats = [
    [
      'Converted, then targeted',
      total((s) => s.convertedThenTargeted),
      'a message after the person had just bought',
    ],
    ['Converted in flight', total((s) => s.convertedInFlight), 'bought between send and open'],
    ['Beyond frequency cap', total((s) => s.capBreaches), 'more messages than the trigger allows'],
    [
      'Without consent',
      consent.nonCompliantActivations,
      'no permission for the purpose at send time',
    ],
  ] as const;
  const statCards = stats
    .map(
      ([title, n, why]) =>
        `<div class="stat"><div class="n${n > 0 ? ' bad-text' : ''}">${formatInteger(n)}</div><div><strong>${esc(title)}</strong></div><div class="what">${esc(why)}</div></div>`,
    )
    .join('');
  const consentByTrigger = new Map(consent.byTrigger.map((c) => [c.triggerId, c.nonCompliant]));
  const worst = view.worstSuppression
    .map((s) => {
      const withoutConsent = consentByTrigger.get(s.triggerId) ?? 0;
      // the chart's bar adds sends without consent to the suppression failures: say both
      const total =
        withoutConsent === 0
          ? ''
          : `${formatInteger(s.failures + withoutConsent)} contacts that should not have happened: `;
      const consentPart =
        withoutConsent === 0 ? '' : `; and ${formatInteger(withoutConsent)} without consent`;
      return `<li><strong>${esc(s.name)}</strong>${s.channel === '' ? '' : ` (${esc(s.channel)})`}: ${total}${formatInteger(s.failures)} suppression failures in ${formatInteger(s.sentFirings)} sent firings (${formatPercent(s.failureRate)}): ${join(
        [
          s.convertedThenTargeted > 0 && `${formatInteger(s.convertedThenTargeted)} just converted`,
          s.convertedInFlight > 0 && `${formatInteger(s.convertedInFlight)} converted in flight`,
          s.capBreaches > 0 && `${formatInteger(s.capBreaches)} beyond the cap`,
        ],
        ', ',
      )}${consentPart}</li>`;
    })
    .join('');
  const nameOf = (id: string) => view.measures.triggers.find((t) => t.triggerId === id)?.name ?? id;
  const consentRows = [...consent.byTrigger]
    .sort((a, b) => b.nonCompliant - a.nonCompliant || a.triggerId.localeCompare(b.triggerId))
    .map(
      (c) =>
        `<tr><td class="text">${esc(nameOf(c.triggerId))}</td><td class="text">${esc(c.purpose)}</td><td>${formatInteger(c.sentFirings)}</td>` +
        `<td class="${c.nonCompliant > 0 ? 'bad-text' : ''}">${formatInteger(c.nonCompliant)}</td><td>${formatPercent(c.nonCompliantRate, 2)}</td></tr>`,
    )
    .join('');
  const lag =
    consent.syncLagP50Ms === null
      ? ''
      : ` Where a person had revoked consent, the message went out a median ${esc(formatDuration(consent.syncLagP50Ms))} after the revocation (90th percentile ${esc(formatDuration(consent.syncLagP90Ms ?? consent.syncLagP50Ms))}): the revocation had not reached the system that sends.`;
  return (
    `<section id="compliance"><h2>Contacts that should not have happened</h2>` +
    `<p class="lede">Messages to people who had just bought, beyond a trigger’s frequency cap, or without their consent. Each one is a cost even when the trigger works.</p>` +
    `<div class="stats">${statCards}</div>` +
    `<figure>${complianceChart(suppression, consentByTrigger)}<figcaption>Each bar counts one trigger’s contacts that should not have happened: its suppression failures plus its sends without consent.</figcaption></figure>` +
    (worst === '' ? '' : `<h3>Worst offenders</h3><ul class="plain">${worst}</ul>`) +
    `<h3>Consent</h3><p class="summary">${formatInteger(consent.nonCompliantActivations)} of ${formatInteger(consent.sentFirings)} sent firings of triggers that need consent went to persons without it.${lag}</p>` +
    (consentRows === ''
      ? ''
      : `<table><thead><tr><th>Trigger</th><th>Purpose</th><th>Sent firings</th><th>Without consent</th><th>Share</th></tr></thead><tbody>${consentRows}</tbody></table>`) +
    `</section>`
  );
}

/** The method's "Revenue capping": the cap, and where this report's came from. */
function revenueCapMethod(cap: RevenueCapRequest | null, origin: ReportOrigin): string {
  const from = origin.revenueCapFrom ?? 'setting';
  const inSnapshot = origin.snapshot !== undefined;
  if (cap === null && from === 'setting') {
    return inSnapshot
      ? 'Revenue is not capped in this snapshot (REPORT_REVENUE_CAP was off when it was taken; createReportSnapshot’s revenueCap caps a snapshot).'
      : 'Revenue is not capped in this report (REPORT_REVENUE_CAP, or ?revenueCap=99% on the report’s address, caps it).';
  }
  const source = {
    snapshot: 'the revenueCap this snapshot was taken with',
    address: `?revenueCap=${revenueCapText(cap)} on this report’s address`,
    setting: inSnapshot
      ? 'the REPORT_REVENUE_CAP setting when the snapshot was taken'
      : 'the REPORT_REVENUE_CAP setting; ?revenueCap= on the report’s address caps it otherwise',
  }[from];
  if (cap === null) {
    return `Revenue is not capped in this report (${source}).`;
  }
  const ofRevenues =
    cap.percentile === null || cap.percentile === undefined
      ? ''
      : ' of the trigger’s revenues above 0';
  return `Each person’s revenue is capped at ${revenueCapWords(cap)}${ofRevenues} before any revenue figure is computed (${source}).`;
}

function methodSection(view: ReportView, origin: ReportOrigin): string {
  const conf = formatPercent(view.measures.confidence, 0);
  const items: [string, string][] = [
    [
      'Holdout groups',
      'Every trigger keeps a random share of the persons it would contact as a holdout: they get nothing. The difference between the two groups is what the trigger caused. A person counts from their first firing of the trigger in the period, whether it was sent or not, so that skipped sends do not flatter the result.',
    ],
    [
      'Conversions and revenue',
      'A person converts when they buy (or reach the trigger’s success) within the trigger’s conversion window after that first firing; revenue is the value of those purchases. Incremental conversions are the difference in conversion rate times the persons treated.',
    ],
    [
      'Intervals',
      `Every figure comes with a ${conf} interval: the range the true value most likely lies in. A range that includes zero means the data cannot tell the trigger from doing nothing. The headline totals add the triggers up as if their results were independent.`,
    ],
    [
      'Many triggers at once',
      `Looking at many triggers makes some look significant by luck. The Benjamini–Hochberg correction adjusts for that: a trigger counts as working only if its corrected q-value is below ${view.alpha.toFixed(2)}.`,
    ],
    [
      'Broken splits (SRM)',
      'If the holdout holds a clearly different share of persons than the trigger declared (chi-square test, p < 0.001), persons were not assigned at random, and the lift is not to be trusted. Such triggers are marked and left out of the totals.',
    ],
    [
      'Too little data',
      'With fewer than 100 persons or 5 conversions in either group, the report says so instead of printing a number.',
    ],
    [
      'Segments',
      'Each live trigger’s lift is also split by channel, surface and the properties its firings carry (tier, country, device), as liftSegments answers. Cochran’s Q asks whether the segments’ changes differ more than their own uncertainty explains (p < 0.05 for each trigger and dimension, not corrected for the number of splits). A flagged trigger’s segments are shown with their change shrunk by empirical Bayes: a normal prior learnt from the segments themselves (their mean change, and their spread beyond what noise explains) is combined with each segment’s own figure.',
    ],
    ['Revenue capping', revenueCapMethod(view.measures.revenueCap ?? null, origin)],
    [
      'Latency',
      'Time from the signal to the first delivery or render of the message (to the decision when there is none). Firings later than the trigger’s window are expired: they acted on a stale signal.',
    ],
    [
      'Side effects',
      'Overwhelm and regret are measured like conversions, with unsubscribes, complaints, opt-outs, uninstalls and dismissals, and with returns and refunds of converting orders within 30 days. Message pressure counts the messages a person got from all triggers in the 7 days before each one.',
    ],
    [
      'Same numbers everywhere',
      'Every figure here is the answer of Causeway’s GraphQL API for the same period (liftReport, guardrails, triggerLatency, messagePressure, suppressionAudit, consentAudit), and the BI views and exports are built from the same definitions. All times are event times in UTC.',
    ],
  ];
  return (
    `<section id="method"><h2>How to read this report</h2><dl class="method">` +
    items.map(([term, text]) => `<dt>${esc(term)}</dt><dd>${esc(text)}</dd>`).join('') +
    `</dl></section>`
  );
}

/** Renders the lift report of `measures` as a complete HTML document. */
export function renderLiftReport(measures: ReportMeasures, origin: ReportOrigin = {}): string {
  const view = buildReportView(measures);
  const period = formatPeriod(measures.from, measures.to);
  const title = `Lift report · ${period}`;
  const snapshot = origin.snapshot;
  const banner =
    snapshot === undefined
      ? ''
      : `<p class="snapshot-banner">Snapshot <strong>${esc(snapshot.id)}</strong>, taken ${esc(formatDateTime(snapshot.createdAt))} (${esc(snapshot.kind === 'scheduled' ? 'weekly schedule' : 'on request')}). It is stored as it was and does not change when late data arrives.</p>`;
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta http-equiv="Content-Security-Policy" content="${esc(REPORT_CONTENT_SECURITY_POLICY)}">` +
    `<meta name="color-scheme" content="light dark">` +
    `<title>${esc(title)} · ${esc(measures.tenantId)}</title><style>${REPORT_CSS}</style></head><body>` +
    `<header class="report"><p class="eyebrow">Causeway · lift report · ${esc(measures.tenantId)}</p>` +
    `<h1>Did our triggers work? ${esc(period)}</h1>` +
    `<p class="meta">Event time from ${esc(formatDateTime(measures.from))} to ${esc(formatDateTime(measures.to))} (end excluded) · figures as of ${esc(formatDateTime(measures.generatedAt))} · ${esc(formatPercent(measures.confidence, 0))} intervals</p>${banner}</header>` +
    `<main>${headline(view)}${liftSection(view)}${overTimeSection(measures)}${latencySection(view)}${harmSection(view)}${complianceSection(view)}${methodSection(view, origin)}</main>` +
    `<footer>Generated by Causeway from tenant ${esc(measures.tenantId)}’s data. Measures version ${measures.version}.</footer>` +
    `</body></html>`
  );
}
