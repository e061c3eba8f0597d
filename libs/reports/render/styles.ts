/**
 * The report's stylesheet, inlined in the page. Colours are variables with a light and a dark
 * set (prefers-color-scheme) and a print set; the SVG charts use the same classes.
 */
export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1f24; --muted: #59636e; --grid: #dde2e7; --stripe: #f5f7f9;
  --card: #f3f5f8; --border: #d5dbe1; --accent: #0b5cad;
  --good: #1a7f37; --good-soft: #dafbe1; --bad: #c62828; --bad-soft: #ffebe9;
  --warn: #a15c00; --warn-soft: #fff1d6; --neutral: #6e7781; --neutral-soft: #eef1f4;
  --kind1: #c62828; --kind2: #e07b00; --kind3: #7b61c4; --kind4: #0b5cad;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1419; --fg: #e6e9ed; --muted: #9aa5b1; --grid: #2a323b; --stripe: #151c23;
    --card: #161e26; --border: #2d3640; --accent: #6cb6ff;
    --good: #4ac26b; --good-soft: #12301c; --bad: #ff7b72; --bad-soft: #3a1618;
    --warn: #e3a23b; --warn-soft: #3a2a0c; --neutral: #8b949e; --neutral-soft: #21282f;
    --kind1: #ff7b72; --kind2: #f0a33c; --kind3: #b59cf5; --kind4: #6cb6ff;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body {
  margin: 0 auto; max-width: 880px; padding: 28px 28px 48px;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", "DejaVu Sans", sans-serif;
}
header.report { border-bottom: 2px solid var(--fg); padding-bottom: 14px; margin-bottom: 8px; }
.eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); margin: 0; }
h1 { font-size: 28px; line-height: 1.2; margin: 4px 0 6px; }
h2 { font-size: 21px; margin: 0 0 4px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
h4 { font-size: 14.5px; margin: 14px 0 2px; }
h4 .meta { font-weight: normal; }
td.shrunk { font-weight: 600; }
.meta { color: var(--muted); font-size: 13px; margin: 0; }
section { padding: 22px 0 8px; border-bottom: 1px solid var(--border); }
section:last-of-type { border-bottom: 0; }
.lede { color: var(--muted); margin: 0 0 14px; }
.snapshot-banner { margin: 12px 0 0; padding: 8px 12px; border-radius: 6px; background: var(--neutral-soft); font-size: 13px; }
.cards { display: grid; grid-template-columns: repeat(2, 1fr); gap: 12px; margin: 6px 0 12px; }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: 12px 14px; }
.card .big { font-size: 30px; font-weight: 700; line-height: 1.15; font-variant-numeric: tabular-nums; }
.card .range { color: var(--muted); font-size: 13px; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; margin: 8px 0 10px; }
.tile { border-radius: 8px; padding: 10px 12px; border: 1px solid var(--border); }
.tile .n { font-size: 28px; font-weight: 700; line-height: 1.1; }
.tile .what { font-weight: 600; }
.tile .why { font-size: 12.5px; color: var(--muted); }
.tile.works { background: var(--good-soft); } .tile.works .n { color: var(--good); }
.tile.nothing { background: var(--neutral-soft); } .tile.nothing .n { color: var(--neutral); }
.tile.harms { background: var(--bad-soft); } .tile.harms .n { color: var(--bad); }
.tile.unknown { background: var(--warn-soft); } .tile.unknown .n { color: var(--warn); }
.summary { margin: 6px 0; }
ul.plain { margin: 6px 0; padding-left: 20px; }
figure { margin: 10px 0 4px; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 12.5px; color: var(--muted); margin: 4px 0 0; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 5px; vertical-align: 0; }
.swatch.good { background: var(--good); } .swatch.bad { background: var(--bad); }
.swatch.neutral { background: var(--neutral); } .swatch.warn { background: var(--warn); }
.swatch.window { background: var(--accent); border-radius: 1px; transform: rotate(45deg); width: 9px; height: 9px; }
table { width: 100%; border-collapse: collapse; font-size: 13.5px; margin: 6px 0 8px; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: 5px 8px; border-bottom: 1px solid var(--border); vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
th { font-weight: 600; color: var(--muted); font-size: 12.5px; }
td.text { text-align: left; }
td:not(:first-child):not(.text) { white-space: nowrap; }
.good-text { color: var(--good); } .bad-text { color: var(--bad); } .warn-text { color: var(--warn); }
.pill { display: inline-block; font-size: 11.5px; font-weight: 600; padding: 1px 7px; border-radius: 10px; white-space: nowrap; }
.pill.works { background: var(--good-soft); color: var(--good); }
.pill.nothing { background: var(--neutral-soft); color: var(--neutral); }
.pill.harms { background: var(--bad-soft); color: var(--bad); }
.pill.unknown { background: var(--warn-soft); color: var(--warn); }
.stats { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; margin: 8px 0 12px; }
.stat { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: 9px 12px; }
.stat .n { font-size: 22px; font-weight: 700; font-variant-numeric: tabular-nums; }
.stat .what { font-size: 12.5px; color: var(--muted); }
.method dt { font-weight: 600; margin-top: 10px; }
.method dd { margin: 2px 0 0; color: var(--fg); }
footer { color: var(--muted); font-size: 12px; margin-top: 18px; }
/* charts */
svg.chart { display: block; max-width: 100%; height: auto; overflow: visible; }
svg.chart text { fill: var(--fg); font-family: inherit; font-size: 12px; }
svg.chart .head { fill: var(--muted); font-size: 11.5px; font-weight: 600; }
svg.chart .label { font-size: 12.5px; font-weight: 600; }
svg.chart .sub, svg.chart .tick { fill: var(--muted); font-size: 11px; }
svg.chart .value { font-size: 12.5px; font-variant-numeric: tabular-nums; }
svg.chart .italic { font-style: italic; paint-order: stroke; stroke: var(--bg); stroke-width: 4px; stroke-linejoin: round; }
svg.chart .stripe { fill: var(--stripe); }
svg.chart .grid { stroke: var(--grid); stroke-width: 1; }
svg.chart .axis { stroke: var(--muted); stroke-width: 1; }
svg.chart .zero { stroke: var(--fg); stroke-width: 1.2; stroke-dasharray: 4 3; }
svg.chart .ci { stroke-width: 2.5; stroke-linecap: round; }
svg.chart .ci.dashed { stroke-dasharray: 5 4; }
svg.chart .ci.good { stroke: var(--good); } svg.chart .ci.bad { stroke: var(--bad); }
svg.chart .ci.warn { stroke: var(--warn); } svg.chart .ci.neutral { stroke: var(--neutral); }
svg.chart .fill-good { fill: var(--good); } svg.chart .fill-bad { fill: var(--bad); }
svg.chart .fill-warn { fill: var(--warn); } svg.chart .fill-neutral { fill: var(--neutral); }
svg.chart .point { stroke: var(--bg); stroke-width: 1.5; }
svg.chart .bar { opacity: .55; } svg.chart .soft { opacity: .35; }
svg.chart .text-good { fill: var(--good); } svg.chart .text-bad { fill: var(--bad); }
svg.chart .text-warn { fill: var(--warn); } svg.chart .text-neutral { fill: var(--muted); }
svg.chart .window { fill: var(--accent); } svg.chart .window-line { stroke: var(--accent); stroke-width: 1.5; }
svg.chart .curve { fill: none; stroke: var(--bad); stroke-width: 2.5; stroke-linejoin: round; }
svg.chart .band { fill: var(--neutral); opacity: .25; }
svg.chart .curve.neutral-line { stroke: var(--fg); stroke-width: 2; }
svg.chart .curve.treated-line { stroke: var(--good); stroke-width: 2; }
svg.chart .curve.holdout-line { stroke: var(--muted); stroke-width: 2; stroke-dasharray: 5 4; }
.small-multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 12px 20px; }
.small-multiples h3 { font-size: 14px; margin: 0 0 2px; }
svg.chart .kind1 { fill: var(--kind1); } svg.chart .kind2 { fill: var(--kind2); }
svg.chart .kind3 { fill: var(--kind3); } svg.chart .kind4 { fill: var(--kind4); }
@media (max-width: 640px) {
  .cards, .tiles, .stats { grid-template-columns: 1fr 1fr; }
}
@media print {
  :root {
    --bg: #ffffff; --fg: #000000; --muted: #4a525a; --grid: #d0d5da; --stripe: #f4f6f8;
    --card: #f6f7f9; --border: #c9d0d6; --accent: #0b5cad;
    --good: #1a7f37; --good-soft: #e3f6e7; --bad: #b71c1c; --bad-soft: #fdecea;
    --warn: #935400; --warn-soft: #fff3dc; --neutral: #5f6770; --neutral-soft: #eff1f3;
    --kind1: #b71c1c; --kind2: #d07000; --kind3: #6a50b8; --kind4: #0b5cad;
  }
  @page { size: A4; margin: 14mm 12mm 16mm; }
  html, body { background: #fff; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  table { font-size: 8.5pt; }
  .method dd { font-size: 9.5pt; }
  footer { break-before: avoid; margin-top: 8px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section { break-inside: auto; }
  figure, table, .cards, .tiles, .stats, .card, .tile, h2, h3 { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  #lift, #latency, #harm, #method { break-before: page; }
  .no-print { display: none; }
}
`;
