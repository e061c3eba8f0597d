// Small building blocks for the report's hand-written SVG charts. The charts are a few dozen
// shapes each; a charting library would weigh more than all of them together.
import { esc } from './html.js';

/** A linear map from a domain to pixels. */
export interface Scale {
  (value: number): number;
  domain: readonly [number, number];
  range: readonly [number, number];
}

export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 === 0 ? 1 : d1 - d0;
  const scale = ((value: number) => r0 + ((value - d0) / span) * (r1 - r0)) as Scale;
  scale.domain = domain;
  scale.range = range;
  return scale;
}

/** A base-10 logarithmic map; values at or below 0 land on the range's start. */
export function logScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): Scale {
  const inner = linearScale([Math.log10(domain[0]), Math.log10(domain[1])], range);
  const scale = ((value: number) => (value <= 0 ? range[0] : inner(Math.log10(value)))) as Scale;
  scale.domain = domain;
  scale.range = range;
  return scale;
}

/** Round tick values covering [low, high]: steps of 1, 2 or 5 × 10^k, about `count` of them. */
export function niceTicks(low: number, high: number, count = 5): number[] {
  if (!(high > low)) {
    return [low];
  }
  const raw = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return ticks;
}

/**
 * The decimals that print every tick of evenly spaced `ticks` (niceTicks) exactly and apart, in a
 * unit of `scale` per unit of the ticks (100 for percent or points of a share): those of the step.
 */
export function tickDecimals(ticks: readonly number[], scale = 1): number {
  const [first, second] = ticks;
  if (first === undefined || second === undefined) {
    return 0;
  }
  const step = Math.abs(second - first) * scale;
  let decimals = 0;
  while (decimals < 12 && Math.abs(Number(step.toFixed(decimals)) - step) > step * 1e-9) {
    decimals += 1;
  }
  return decimals;
}

/** A domain [low, high] that holds every value and 0, widened by `pad` of its span each side. */
export function domainWithZero(values: readonly number[], pad = 0.08): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v));
  let low = Math.min(0, ...finite);
  let high = Math.max(0, ...finite);
  if (high - low === 0) {
    high = 1;
    low = -1;
  }
  const span = high - low;
  return [low - span * pad, high + span * pad];
}

/** An <svg> chart element: scales to its container, described for screen readers. */
export function chart(
  id: string,
  width: number,
  height: number,
  title: string,
  description: string,
  body: string,
): string {
  return (
    `<svg class="chart" id="${esc(id)}" viewBox="0 0 ${width} ${round(height)}" ` +
    `width="100%" role="img" aria-labelledby="${esc(id)}-title ${esc(id)}-desc" ` +
    `xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${esc(id)}-title">${esc(title)}</title>` +
    `<desc id="${esc(id)}-desc">${esc(description)}</desc>${body}</svg>`
  );
}

/** Coordinates with at most one decimal: smaller SVG, same picture. */
export function round(value: number): number {
  return Math.round(value * 10) / 10;
}

export interface TextOptions {
  anchor?: 'start' | 'middle' | 'end';
  className?: string;
  size?: number;
  weight?: 'bold';
}

export function text(x: number, y: number, content: string, options: TextOptions = {}): string {
  const attributes = [
    `x="${round(x)}"`,
    `y="${round(y)}"`,
    options.anchor !== undefined && options.anchor !== 'start'
      ? `text-anchor="${options.anchor}"`
      : '',
    options.className !== undefined ? `class="${options.className}"` : '',
    options.size !== undefined ? `font-size="${options.size}"` : '',
    options.weight !== undefined ? `font-weight="${options.weight}"` : '',
  ].filter((a) => a !== '');
  return `<text ${attributes.join(' ')}>${esc(content)}</text>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, className: string): string {
  return `<line x1="${round(x1)}" y1="${round(y1)}" x2="${round(x2)}" y2="${round(y2)}" class="${className}"/>`;
}

export function rect(
  x: number,
  y: number,
  width: number,
  height: number,
  className: string,
  radius = 0,
): string {
  const r = radius > 0 ? ` rx="${radius}"` : '';
  return `<rect x="${round(x)}" y="${round(y)}" width="${round(Math.max(0, width))}" height="${round(Math.max(0, height))}" class="${className}"${r}/>`;
}

export function circle(cx: number, cy: number, r: number, className: string): string {
  return `<circle cx="${round(cx)}" cy="${round(cy)}" r="${r}" class="${className}"/>`;
}

/** A small triangle pointing left or right: an interval that runs off the axis. */
export function arrow(
  x: number,
  y: number,
  direction: 'left' | 'right',
  className: string,
): string {
  const d = direction === 'right' ? 1 : -1;
  const points = [
    [x, y],
    [x - 7 * d, y - 5],
    [x - 7 * d, y + 5],
  ]
    .map(([px, py]) => `${round(px)},${round(py)}`)
    .join(' ');
  return `<polygon points="${points}" class="${className}"/>`;
}

/** Shortens a label to fit roughly `max` characters of 12 px text. */
export function clip(label: string, max: number): string {
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}
