import { formatPeriod, HEADLINE_FORMATS, type HeadlineView } from '../../reports/index.js';
import type { StoredAlert } from '../alerts/alerts.repository.js';

/** What the digest says, before it is put into an e-mail. */
export interface DigestContent {
  tenantId: string;
  from: Date;
  to: Date;
  headline: HeadlineView;
  /** The report's title of the revenue total: its currency, or why it has none. */
  revenueTitle: string;
  /** The first open alerts, listed. */
  openAlerts: StoredAlert[];
  /** How many alerts are open, listed or not. */
  openAlertsTotal: number;
  /** By alert id, the link to where a listed alert's figures can be read, for those the report shows. */
  alertLinks: ReadonlyMap<string, string>;
  shareUrl: string;
  /** Why there is no PDF attached, when there is none. */
  pdfMissing?: string;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function conversions(headline: HeadlineView): string {
  const total = headline.incrementalConversions;
  if (total === null) {
    return 'no incremental conversions can be estimated this week';
  }
  // as the report attached prints its headline
  const count = HEADLINE_FORMATS.conversions;
  return `${count(total.estimate)} incremental conversions (95% interval ${count(total.low)} to ${count(total.high)})`;
}

function revenue(content: DigestContent): string {
  const total = content.headline.incrementalRevenue;
  if (total === null) {
    return 'no incremental revenue can be estimated this week';
  }
  const amount = HEADLINE_FORMATS.revenue;
  return `${content.revenueTitle}: ${amount(total.estimate)} (95% interval ${amount(total.low)} to ${amount(total.high)})`;
}

function counts(headline: HeadlineView): string {
  const c = headline.counts;
  return `${c.works} work, ${c.nothing} do nothing, ${c.harms} harm, ${c.unknown} can't tell`;
}

/** The line above the open alerts: how many there are, and how many of them are listed. */
function alertsHeading(content: DigestContent): string {
  const listed = content.openAlerts.length;
  const total = content.openAlertsTotal;
  if (total === 0) {
    return 'Open alerts: none.';
  }
  return total > listed
    ? `Open alerts (${total}; the first ${listed} listed, the alerts query lists them all):`
    : `Open alerts (${total}):`;
}

export function digestSubject(content: DigestContent): string {
  return `Causeway weekly digest: ${formatPeriod(content.from, content.to)}`;
}

/** The plain-text body. */
export function digestText(content: DigestContent): string {
  const lines = [
    `Causeway weekly digest for ${content.tenantId}, ${formatPeriod(content.from, content.to)} (UTC).`,
    '',
    `Headline: ${conversions(content.headline)}.`,
    `${revenue(content)}.`,
    `Triggers: ${counts(content.headline)}.`,
    '',
    alertsHeading(content),
    ...content.openAlerts.map((a) => {
      const link = content.alertLinks.get(a.alertId);
      return `  - ${a.kind}: ${a.summary}${link === undefined ? '' : ` (its figures: ${link})`}`;
    }),
    '',
    `The report (opens without a key): ${content.shareUrl}`,
    content.pdfMissing === undefined
      ? 'The report is attached as a PDF.'
      : `No PDF attached: ${content.pdfMissing}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The HTML body: the same words. */
export function digestHtml(content: DigestContent): string {
  const alerts =
    content.openAlerts.length === 0
      ? `<p>${escape(alertsHeading(content))}</p>`
      : `<p>${escape(alertsHeading(content))}</p><ul>${content.openAlerts
          .map((a) => {
            const link = content.alertLinks.get(a.alertId);
            const figures =
              link === undefined ? '' : ` (<a href="${escape(link)}">its figures</a>)`;
            return `<li><strong>${escape(a.kind)}</strong>: ${escape(a.summary)}${figures}</li>`;
          })
          .join('')}</ul>`;
  return [
    `<h1>Causeway weekly digest</h1>`,
    `<p>${escape(content.tenantId)}, ${escape(formatPeriod(content.from, content.to))} (UTC).</p>`,
    `<p><strong>Headline:</strong> ${escape(conversions(content.headline))}.</p>`,
    `<p>${escape(revenue(content))}.</p>`,
    `<p><strong>Triggers:</strong> ${escape(counts(content.headline))}.</p>`,
    alerts,
    `<p><a href="${escape(content.shareUrl)}">Open the report</a> (no key needed).</p>`,
    content.pdfMissing === undefined
      ? '<p>The report is attached as a PDF.</p>'
      : `<p>No PDF attached: ${escape(content.pdfMissing)}</p>`,
  ].join('\n');
}
