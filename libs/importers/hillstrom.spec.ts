import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { validateRow, type ValidationContext } from '../ingest/index.js';
import { projectRoot } from '../storage/index.js';
import {
  HILLSTROM_SEGMENTS,
  hillstromPeriod,
  hillstromRows,
  hillstromTrigger,
  readHillstromCustomers,
  summarizeHillstrom,
  type CsvChunks,
  type HillstromSegment,
} from './hillstrom.js';
import { ImportFormatError } from './importers.errors.js';
import { IMPORT_STREAMS, type ImportStream, type ImportRows } from './input-rows.js';
import { ndjsonBatches } from './ndjson.js';

const HEADER =
  'recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,conversion,spend';

// Ten lines: the header and nine customers covering every case, including a quoted field with a
// comma (as the real file has) and a spend without conversion (which the real file has not).
const SMALL_CSV = `${[
  HEADER,
  '10,2) $100 - $200,142.44,1,0,Surburban,0,Phone,Womens E-Mail,0,0,0',
  '6,3) $200 - $350,329.08,1,1,Rural,1,Web,No E-Mail,0,0,0',
  '9,5) $500 - $750,675.83,1,0,Rural,1,Web,Mens E-Mail,1,1,29.99',
  '5,"6) $750 - $1,000",828.42,1,0,Surburban,1,Multichannel,Mens E-Mail,1,0,0',
  '2,1) $0 - $100,45.91,0,1,Urban,0,Web,No E-Mail,1,1,264.66',
  '3,"7) $1,000 +",1397.57,1,0,Surburban,1,Multichannel,Womens E-Mail,1,1,149.28',
  '4,1) $0 - $100,29.99,1,0,Rural,1,Phone,Womens E-Mail,1,0,12.5',
  '7,4) $350 - $500,401.2,0,1,Urban,0,Web,Mens E-Mail,0,0,0',
  '12,1) $0 - $100,88.1,1,0,Surburban,0,Phone,No E-Mail,1,0,0',
].join('\n')}\n`;

const REAL_CSV = join(projectRoot(), '..', 'shared', 'data', 'hillstrom.csv');

const CONTEXT: ValidationContext = {
  tenantId: 'hillstrom',
  receivedAt: Date.UTC(2026, 0, 1),
  limits: { maxRows: 50_000, maxFieldChars: 4096, maxBodyBytes: 10 * 1024 * 1024 },
};

async function collect<S extends ImportStream>(
  stream: S,
  csv: () => CsvChunks,
): Promise<ImportRows[S][]> {
  const rows: ImportRows[S][] = [];
  for await (const row of hillstromRows(stream, csv)) {
    rows.push(row);
  }
  return rows;
}

const small = () => SMALL_CSV;
const real = () => createReadStream(REAL_CSV);

const START = '2008-03-01T00:00:00.000Z';

function covariates(
  recency: number,
  historySegment: string,
  history: number,
  flags: [number, number, number],
  zipCode: string,
  channel: string,
) {
  const [mens, womens, newbie] = flags;
  return {
    recency,
    history_segment: historySegment,
    history,
    mens,
    womens,
    zip_code: zipCode,
    newbie,
    channel,
  };
}

describe('hillstromRows on a ten-line file', () => {
  it('emits the one trigger definition', async () => {
    expect(await collect('triggers', small)).toEqual([
      {
        trigger_id: 'hillstrom-email',
        version: 1,
        name: 'MineThatData e-mail campaign (Hillstrom 2008)',
        channel: 'email',
        surface: 'campaign',
        audience: 'customers who bought in the last 12 months',
        signal_types: ['campaign_start'],
        window_ms: 1_209_600_000,
        success_types: ['purchase'],
        conversion_window_ms: 1_209_600_000,
        guardrail_types: ['unsubscribe'],
        holdout_pct: 1 / 3,
        frequency_cap: { max: 1, per_ms: 1_209_600_000 },
        suppression: { converted_lookback_ms: 86_400_000 },
        consent_purpose: 'email_marketing',
        status: 'live',
      },
    ]);
  });

  it('grants e-mail consent to every customer a day before the start', async () => {
    const consent = await collect('consent', small);
    expect(consent).toHaveLength(9);
    expect(consent[0]).toEqual({
      event_id: 'hillstrom-c-1',
      person_id: 'hillstrom-1',
      purpose: 'email_marketing',
      granted: true,
      occurred_at: '2008-02-29T00:00:00.000Z',
      source: 'hillstrom-import',
    });
    expect(consent.map((row) => row.person_id)).toEqual(
      Array.from({ length: 9 }, (_, i) => `hillstrom-${i + 1}`),
    );
  });

  it('emits one campaign_start signal per customer with the covariates', async () => {
    const signals = await collect('signals', small);
    const signal = (i: number, properties: ReturnType<typeof covariates>) => ({
      event_id: `hillstrom-s-${i}`,
      person_id: `hillstrom-${i}`,
      type: 'campaign_start',
      occurred_at: START,
      kind: 'identity',
      source: 'minethatdata',
      properties,
    });
    expect(signals).toEqual([
      signal(1, covariates(10, '2) $100 - $200', 142.44, [1, 0, 0], 'Surburban', 'Phone')),
      signal(2, covariates(6, '3) $200 - $350', 329.08, [1, 1, 1], 'Rural', 'Web')),
      signal(3, covariates(9, '5) $500 - $750', 675.83, [1, 0, 1], 'Rural', 'Web')),
      signal(4, covariates(5, '6) $750 - $1,000', 828.42, [1, 0, 1], 'Surburban', 'Multichannel')),
      signal(5, covariates(2, '1) $0 - $100', 45.91, [0, 1, 0], 'Urban', 'Web')),
      signal(6, covariates(3, '7) $1,000 +', 1397.57, [1, 0, 1], 'Surburban', 'Multichannel')),
      signal(7, covariates(4, '1) $0 - $100', 29.99, [1, 0, 1], 'Rural', 'Phone')),
      signal(8, covariates(7, '4) $350 - $500', 401.2, [0, 1, 0], 'Urban', 'Web')),
      signal(9, covariates(12, '1) $0 - $100', 88.1, [1, 0, 0], 'Surburban', 'Phone')),
    ]);
  });

  it('emits one firing per customer: holdout for No E-Mail, treatment with its variant else', async () => {
    const base = (i: number) => ({
      firing_id: `hillstrom-f-${i}`,
      trigger_id: 'hillstrom-email',
      trigger_version: 1,
      person_id: `hillstrom-${i}`,
      decided_at: START,
      signal_event_id: `hillstrom-s-${i}`,
      signal_at: START,
      channel: 'email',
      surface: 'campaign',
    });
    const treated = (i: number, variant: string) => ({
      ...base(i),
      arm: 'treatment',
      dispatched_at: START,
      variant,
    });
    const held = (i: number) => ({ ...base(i), arm: 'holdout' });
    expect(await collect('firings', small)).toEqual([
      treated(1, 'womens'),
      held(2),
      treated(3, 'mens'),
      treated(4, 'mens'),
      held(5),
      treated(6, 'womens'),
      treated(7, 'womens'),
      treated(8, 'mens'),
      held(9),
    ]);
  });

  it('emits a delivered exposure a minute after the start for each treatment firing', async () => {
    const delivered = (i: number) => ({
      event_id: `hillstrom-d-${i}`,
      firing_id: `hillstrom-f-${i}`,
      type: 'delivered',
      occurred_at: '2008-03-01T00:01:00.000Z',
    });
    expect(await collect('exposures', small)).toEqual([1, 3, 4, 6, 7, 8].map(delivered));
  });

  it('emits visits an hour in and purchases two hours in, any spend counting as a purchase', async () => {
    const visit = (i: number) => ({
      outcome_id: `hillstrom-v-${i}`,
      person_id: `hillstrom-${i}`,
      type: 'visit',
      occurred_at: '2008-03-01T01:00:00.000Z',
    });
    const purchase = (i: number, value: string) => ({
      outcome_id: `hillstrom-p-${i}`,
      person_id: `hillstrom-${i}`,
      type: 'purchase',
      occurred_at: '2008-03-01T02:00:00.000Z',
      value,
      currency: 'USD',
    });
    expect(await collect('outcomes', small)).toEqual([
      visit(3),
      purchase(3, '29.99'),
      visit(4),
      visit(5),
      purchase(5, '264.66'),
      visit(6),
      purchase(6, '149.28'),
      visit(7),
      purchase(7, '12.5'),
      visit(9),
    ]);
  });

  it('summarizes the groups', async () => {
    expect(await summarizeHillstrom(SMALL_CSV)).toEqual({
      customers: 9,
      bySegment: {
        'Mens E-Mail': { n: 3, visits: 2, conversions: 1, spend: 29.99 },
        'Womens E-Mail': { n: 3, visits: 2, conversions: 1, spend: 161.78 },
        'No E-Mail': { n: 3, visits: 2, conversions: 1, spend: 264.66 },
      },
      spendWithoutConversion: 1,
      conversionWithoutSpend: 0,
    });
  });

  it('reads the same rows from chunks split anywhere, with or without a BOM', async () => {
    const chunks = ['\uFEFF', ...SMALL_CSV.match(/[\s\S]{1,7}/g)!].map((s) => Buffer.from(s));
    const customers = [];
    for await (const customer of readHillstromCustomers(chunks)) {
      customers.push(customer);
    }
    expect(customers.map((c) => [c.index, c.line, c.segment, c.spend])).toEqual([
      [1, 2, 'Womens E-Mail', '0'],
      [2, 3, 'No E-Mail', '0'],
      [3, 4, 'Mens E-Mail', '29.99'],
      [4, 5, 'Mens E-Mail', '0'],
      [5, 6, 'No E-Mail', '264.66'],
      [6, 7, 'Womens E-Mail', '149.28'],
      [7, 8, 'Womens E-Mail', '12.5'],
      [8, 9, 'Mens E-Mail', '0'],
      [9, 10, 'No E-Mail', '0'],
    ]);
  });

  it('names the line and column of a bad value, and a missing column', async () => {
    const bad = (csv: string) => collect('firings', () => csv);
    await expect(bad(`${HEADER}\n1,x,1,1,0,Rural,0,Web,Email,0,0,0\n`)).rejects.toThrow(
      new ImportFormatError(
        2,
        'segment',
        'expected one of "Mens E-Mail", "Womens E-Mail", "No E-Mail", got "Email"',
      ),
    );
    await expect(bad(`${HEADER}\n1,x,1,1,0,Rural,0,Web,No E-Mail,0,2,0\n`)).rejects.toMatchObject({
      line: 2,
      column: 'conversion',
    });
    await expect(
      bad(`${HEADER}\n1,x,1,1,0,Rural,0,Web,No E-Mail,0,1,1.23456\n`),
    ).rejects.toMatchObject({ line: 2, column: 'spend' });
    await expect(bad(`${HEADER}\n1,x,1,1,0,Rural,0,Web,No E-Mail,0,1\n`)).rejects.toMatchObject({
      line: 2,
      column: '(record)',
    });
    await expect(bad('recency,segment\n1,No E-Mail\n')).rejects.toMatchObject({
      line: 1,
      column: '(header)',
    });
    await expect(bad('')).rejects.toMatchObject({ line: 1, column: '(header)' });
  });

  it('serializes a stream into NDJSON batches that number their lines', async () => {
    const batches = [];
    for await (const batch of ndjsonBatches(hillstromRows('firings', small), 4)) {
      batches.push(batch);
    }
    expect(batches.map((b) => [b.firstLine, b.lines])).toEqual([
      [1, 4],
      [5, 4],
      [9, 1],
    ]);
    const lines = batches.map((b) => b.text).join('');
    expect(lines.split('\n')).toHaveLength(10);
    expect(JSON.parse(lines.split('\n')[8])).toMatchObject({ firing_id: 'hillstrom-f-9' });
  });

  it('states the experiment period', () => {
    expect(hillstromPeriod()).toEqual({ from: START, to: '2008-03-15T00:00:00.000Z' });
    expect(hillstromTrigger().holdout_pct).toBeCloseTo(0.3333, 4);
  });
});

// Reference figures computed with awk from the file itself (fields counted from the end, because
// history_segment values such as "6) $750 - $1,000" are quoted and hold a comma):
//
//   awk -F, 'NR>1{k=$(NF-3); n[k]++; v[k]+=$(NF-2); c[k]+=$(NF-1); s[k]+=$NF;
//             if ($NF>0 && $(NF-1)!=1) sc++; if ($(NF-1)==1 && $NF<=0) cz++}
//            END{for (k in n) printf "%s n=%d visits=%d conv=%d spend=%.2f\n", k, n[k], v[k], c[k], s[k];
//                print "spend without conversion", sc+0, "conversion without spend", cz+0}' hillstrom.csv
//
//   No E-Mail n=21306 visits=2262 conv=122 spend=13908.33
//   Womens E-Mail n=21387 visits=3238 conv=189 spend=23038.11
//   Mens E-Mail n=21307 visits=3894 conv=267 spend=30311.69
//   spend without conversion 0 conversion without spend 0
const AWK: Record<
  HillstromSegment,
  { n: number; visits: number; conversions: number; spend: number }
> = {
  'Mens E-Mail': { n: 21_307, visits: 3894, conversions: 267, spend: 30_311.69 },
  'Womens E-Mail': { n: 21_387, visits: 3238, conversions: 189, spend: 23_038.11 },
  'No E-Mail': { n: 21_306, visits: 2262, conversions: 122, spend: 13_908.33 },
};

// The figures published for the experiment (shared/data/README.md).
const PUBLISHED: Record<HillstromSegment, { conversionRate: number; spendPerCustomer: number }> = {
  'Mens E-Mail': { conversionRate: 0.012531, spendPerCustomer: 1.4226 },
  'Womens E-Mail': { conversionRate: 0.008837, spendPerCustomer: 1.0772 },
  'No E-Mail': { conversionRate: 0.005726, spendPerCustomer: 0.6528 },
};

describe('the real Hillstrom file', () => {
  it('has the per-group counts and spend sums computed with awk, and the published figures', async () => {
    const summary = await summarizeHillstrom(createReadStream(REAL_CSV));
    expect(summary.customers).toBe(64_000);
    expect(summary.spendWithoutConversion).toBe(0);
    expect(summary.conversionWithoutSpend).toBe(0);
    for (const segment of HILLSTROM_SEGMENTS) {
      const group = summary.bySegment[segment];
      expect({ segment, ...group }).toEqual({ segment, ...AWK[segment] });
      expect(group.conversions / group.n).toBeCloseTo(PUBLISHED[segment].conversionRate, 6);
      expect(group.spend / group.n).toBeCloseTo(PUBLISHED[segment].spendPerCustomer, 4);
    }
  });

  it('produces rows that all pass ingest validation, with unique ids, reproducing the groups', async () => {
    const armOf = new Map<string, string>();
    const conversions = new Map<string, number>();
    const spendUnits = new Map<string, number>();
    const counts: Partial<Record<ImportStream, number>> = {};
    for (const stream of IMPORT_STREAMS) {
      const ids = new Set<string>();
      let line = 0;
      for await (const row of hillstromRows(stream, real)) {
        line += 1;
        // As the ingest route sees it: a JSON line.
        const result = validateRow(stream, JSON.parse(JSON.stringify(row)), line, CONTEXT);
        if (!result.ok) {
          throw new Error(`${stream} line ${line}: ${JSON.stringify(result.error)}`);
        }
        ids.add(result.value.id);
        const stored = result.value.row;
        if (stream === 'firings') {
          armOf.set(String(stored.person_id), `${String(stored.arm)}/${String(stored.variant)}`);
        }
        if (stream === 'outcomes' && stored.type === 'purchase') {
          const group = armOf.get(String(stored.person_id))!;
          conversions.set(group, (conversions.get(group) ?? 0) + 1);
          const [dollars, cents = ''] = String(stored.value).split('.');
          const units = Number(dollars) * 10_000 + Number(cents.padEnd(4, '0'));
          spendUnits.set(group, (spendUnits.get(group) ?? 0) + units);
        }
      }
      expect(ids.size).toBe(line);
      counts[stream] = line;
    }
    expect(counts).toEqual({
      triggers: 1,
      consent: 64_000,
      signals: 64_000,
      firings: 64_000,
      exposures: 21_307 + 21_387,
      outcomes: 3894 + 3238 + 2262 + 267 + 189 + 122,
    });
    // Revenue per person as Causeway sums it (purchase values per arm) is the published spend.
    const groups: Record<HillstromSegment, string> = {
      'Mens E-Mail': 'treatment/mens',
      'Womens E-Mail': 'treatment/womens',
      'No E-Mail': 'holdout/',
    };
    for (const segment of HILLSTROM_SEGMENTS) {
      expect(conversions.get(groups[segment])).toBe(AWK[segment].conversions);
      expect((spendUnits.get(groups[segment]) ?? 0) / 10_000).toBe(AWK[segment].spend);
    }
  }, 120_000);
});
