/**
 * Where the lift report shows each alert kind's figures, and the days before asOf its rule reads
 * (design §8: L = 28 by default, or the last day); none for the kinds the report does not show
 * (STALE_SIGNALS, REJECTED_ROWS, DIGEST_NOT_SENT: their evidence carries their figures).
 */
export const REPORT_PLACE: Record<string, { section: string; days: number } | undefined> = {
  SRM: { section: 'lift', days: 28 },
  SIGNIFICANT_GAIN: { section: 'lift', days: 28 },
  LOSS: { section: 'lift', days: 28 },
  HARM: { section: 'harm', days: 28 },
  CONSENT_VIOLATION: { section: 'compliance', days: 1 },
  LATENCY_OUT_OF_WINDOW: { section: 'latency', days: 1 },
};

/** An alert's link as the API's own share links write it: `{api}/share/{token}#{section}`. */
export function alertLinkPattern(api: string, section: string): RegExp {
  return new RegExp(`${api}/share/[A-Za-z0-9_-]{43}#${section}`);
}

/** GETs an alert's link as a browser would (no key; the fragment stays in the browser). */
export async function openAlertLink(
  link: string,
): Promise<{ status: number; type: string | null; body: string }> {
  const page = await fetch(link.replace(/#.*$/, ''));
  return { status: page.status, type: page.headers.get('content-type'), body: await page.text() };
}
