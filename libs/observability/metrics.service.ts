import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of this process, served at /metrics. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly ingestRows = new Counter({
    name: 'causeway_ingest_rows_total',
    help: 'Rows received by ingestion, by stream and result (accepted, rejected, duplicate, conflict: a duplicate whose content differed).',
    labelNames: ['stream', 'result'] as const,
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({
    name: 'causeway_queue_jobs',
    help: 'Jobs in a BullMQ queue by state (waiting, active, delayed, failed).',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'causeway_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly resultCacheHits = this.perQueryCounter(
    'causeway_result_cache_hits_total',
    'Measure answers served from memory (same tenant, arguments and data version), by query.',
  );

  readonly resultCacheMisses = this.perQueryCounter(
    'causeway_result_cache_misses_total',
    'Measure answers computed because none was kept at the tenant data version, by query.',
  );

  readonly resultCacheEvictions = this.perQueryCounter(
    'causeway_result_cache_evictions_total',
    'Measure answers dropped to stay within RESULT_CACHE_MB (least recently used first), by query.',
  );

  readonly resultCacheBytes = new Gauge({
    name: 'causeway_result_cache_bytes',
    help: 'Bytes of measure answers kept in memory (bounded by RESULT_CACHE_MB).',
    registers: [this.registry],
  });

  readonly resultCacheEntries = new Gauge({
    name: 'causeway_result_cache_entries',
    help: 'Measure answers kept in memory.',
    registers: [this.registry],
  });

  private readonly collectors: (() => Promise<void>)[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'causeway_' });
  }

  /** A counter of the answer cache, labelled by the GraphQL query it counts. */
  private perQueryCounter(name: string, help: string): Counter<'query'> {
    return new Counter({ name, help, labelNames: ['query'] as const, registers: [this.registry] });
  }

  /** Adds work to do just before each scrape (e.g. reading queue depth). */
  onScrape(collector: () => Promise<void>): void {
    this.collectors.push(collector);
  }

  async render(): Promise<string> {
    await Promise.all(this.collectors.map((collect) => collect().catch(() => undefined)));
    return this.registry.metrics();
  }
}
