import { request } from 'node:http';
import { gqlData, postIngest, storedRows } from '../../support/client.js';
import { recordRows } from './figures.js';
import { freezeStore } from './store-faults.js';

/** One ingest request of signals whose `type` names the batch, so the measures count it apart. */
export interface SignalBatch {
  type: string;
  rows: number;
  body: string;
}

/** The period every batch's signals occur in, and a query period that covers it. */
export const BATCH_DAY = '2026-10-01T00:00:00Z';
const QUERY_FROM = '2026-09-30T00:00:00Z';
const QUERY_TO = '2026-10-03T00:00:00Z';

export function signalBatch(prefix: string, index: number, rows: number): SignalBatch {
  const type = `${prefix}-b${index}`;
  const start = Date.parse(BATCH_DAY);
  const lines = Array.from({ length: rows }, (_, i) =>
    JSON.stringify({
      event_id: `${type}-e${i}`,
      person_id: `${prefix}-p${i % 97}`,
      type,
      occurred_at: new Date(start + index * 60_000 + i).toISOString(),
      source: 'reliability',
    }),
  );
  return { type, rows, body: `${lines.join('\n')}\n` };
}

/** Signals stored per type as `signalFreshness` counts them (distinct event ids, collapsed). */
export async function measuredByType(url: string, key: string): Promise<Map<string, number>> {
  const data = await gqlData<{ signalFreshness: { type: string; signals: number }[] }>(
    url,
    key,
    `query($from: DateTime!, $to: DateTime!) { signalFreshness(from: $from, to: $to) { type signals } }`,
    { from: QUERY_FROM, to: QUERY_TO },
  );
  const counts = new Map<string, number>();
  for (const row of data.signalFreshness) {
    counts.set(row.type, (counts.get(row.type) ?? 0) + row.signals);
  }
  return counts;
}

/** Signals stored for the tenant as `storedRows` counts them. */
export async function storedSignals(url: string, key: string): Promise<number> {
  return (await storedRows(url, key)).signals ?? 0;
}

export interface BatchOutcome {
  batch: SignalBatch;
  /** The service answered 200 with every line accepted: it promised to keep the rows. */
  acknowledged: boolean;
  status: number | string;
}

/**
 * Makes the store under `dataDir` unwritable, then sends `batches` one after the other, each of
 * which must be answered 200 (queued mode acknowledges what Redis holds). Answers each batch's
 * outcome and the function that makes the store writable again.
 */
export async function sendWhileFrozen(
  url: string,
  key: string,
  dataDir: string,
  batches: readonly SignalBatch[],
): Promise<{ outcomes: { batch: SignalBatch; acknowledged: boolean }[]; thaw: () => void }> {
  const thaw = freezeStore(dataDir);
  const outcomes = [];
  for (const batch of batches) {
    const answer = await postIngest(url, key, 'signals', batch.body);
    if (answer.status !== 200) {
      thaw();
      throw new Error(`a batch sent while the store was frozen was answered ${answer.status}`);
    }
    outcomes.push({ batch, acknowledged: answer.body.accepted === batch.rows });
  }
  return { outcomes, thaw };
}

/**
 * Sends batches `concurrency` at a time and calls `fault` once `faultAfter` batches are
 * acknowledged, while others are in flight; no new batch starts after the fault.
 */
export async function sendWithFault(
  url: string,
  key: string,
  batches: SignalBatch[],
  options: { concurrency: number; faultAfter: number; fault: () => Promise<void> | void },
): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = [];
  let next = 0;
  let acknowledged = 0;
  let faulted: Promise<void> | undefined;
  const worker = async () => {
    while (next < batches.length && faulted === undefined) {
      const batch = batches[next++];
      try {
        const answer = await postIngest(url, key, 'signals', batch.body);
        const ok = answer.status === 200 && answer.body.accepted === batch.rows;
        outcomes.push({ batch, acknowledged: ok, status: answer.status });
        if (ok && ++acknowledged >= options.faultAfter && faulted === undefined) {
          faulted = Promise.resolve(options.fault());
        }
      } catch (error) {
        outcomes.push({
          batch,
          acknowledged: false,
          status: (error as { cause?: { code?: string } }).cause?.code ?? String(error),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  await faulted;
  return outcomes;
}

/** Rejects with `what` when `work` has not settled in `ms`: a hung call fails, it does not hang. */
export function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Polls `check` until it holds or `timeoutMs` passes; answers whether it held. */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await within(10_000, 'a check', check()).catch(() => false)) {
      return true;
    }
    if (Date.now() > deadline) {
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * An ingest request whose body arrives in two parts: `between` runs after the first part is sent,
 * while the request is in flight (e.g. to send the server SIGTERM).
 */
export function slowIngest(
  url: string,
  key: string,
  batch: SignalBatch,
  between: () => Promise<void>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const half = Math.floor(batch.body.length / 2);
    const req = request(`${url}/v1/ingest/signals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
    });
    req.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.write(batch.body.slice(0, half));
    between().then(
      () => req.end(batch.body.slice(half)),
      (error: unknown) => {
        req.destroy();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** A gauge of the API's /metrics, e.g. queue jobs by state; 0 when absent. */
export async function metric(url: string, name: string, labels: string): Promise<number> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * Every batch, acknowledged or not, as the measures count it, recorded in the suite's figures:
 * the rows, and how many acknowledged rows were lost or counted twice.
 */
export async function settleBatches(
  suite: string,
  url: string,
  key: string,
  batches: readonly { batch: SignalBatch; acknowledged: boolean }[],
) {
  const measured = await measuredByType(url, key);
  const rows = batches.map((b) => ({
    acknowledged: b.acknowledged,
    sent: b.batch.rows,
    measured: measured.get(b.batch.type) ?? 0,
  }));
  return { rows, ...recordRows(suite, rows) };
}
