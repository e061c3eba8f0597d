import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { GuardrailsService, LiftService, toPeriod } from '../measurement/index.js';
import { ClickHouseService, toClickHouseTime } from '../storage/index.js';
import { AppConfig } from '../config/index.js';
import { REPORT_CONFIDENCE, reportsSettings } from '../reports/index.js';
import { TriggersService } from '../triggers/index.js';
import { BiErrorCode, BiException } from './bi.exception.js';
import {
  COMPUTED_DATASETS,
  COMPUTED_EXPORT_QUERIES,
  type ComputedDatasetName,
} from './computed-datasets.js';
import {
  EXPORT_DATASET_NAMES,
  EXPORT_DATASETS,
  EXPORT_FORMATS,
  EXPORT_QUERIES,
  exportFileName,
  isExportDataset,
  isExportFormat,
  SNAPSHOT_COVERS_QUERY,
  type ExportDatasetName,
  type ExportFormatName,
} from './datasets.js';

/** An export ready to stream: ClickHouse's own output, and how to label it. */
export interface ExportStream {
  stream: Readable;
  contentType: string;
  filename: string;
}

export interface ExportRequest {
  dataset: string;
  format?: string;
  from: Date;
  to: Date;
}

function isComputedDataset(name: ExportDatasetName): name is ComputedDatasetName {
  return (COMPUTED_DATASETS as readonly string[]).includes(name);
}

/**
 * Curated datasets straight from ClickHouse's output formats (CSVWithNames, Parquet, JSONEachRow):
 * the bytes the engine writes are the bytes the caller gets, never parsed or re-serialized here.
 */
@Injectable()
export class ExportsService {
  constructor(
    private readonly clickhouse: ClickHouseService,
    private readonly lift: LiftService,
    private readonly guardrails: GuardrailsService,
    private readonly triggers: TriggersService,
    private readonly config: AppConfig,
  ) {}

  dataset(name: string): ExportDatasetName {
    if (!isExportDataset(name)) {
      throw new BiException(
        BiErrorCode.UnknownDataset,
        `unknown dataset "${name}" (expected one of ${EXPORT_DATASET_NAMES.join(', ')})`,
      );
    }
    return name;
  }

  format(name: string | undefined): ExportFormatName {
    const chosen = name ?? 'csv';
    if (!isExportFormat(chosen)) {
      throw new BiException(
        BiErrorCode.InvalidRequest,
        `unknown format "${chosen}" (expected one of ${Object.keys(EXPORT_FORMATS).join(', ')})`,
      );
    }
    return chosen;
  }

  /** Opens the export of one tenant's dataset over [from, to). */
  async open(tenantId: string, request: ExportRequest): Promise<ExportStream> {
    const dataset = this.dataset(request.dataset);
    const format = EXPORT_FORMATS[this.format(request.format)];
    const period = toPeriod(request.from, request.to);
    const params = { tenantId, ...period.params };
    const computed =
      isComputedDataset(dataset) &&
      (await this.clickhouse.run(SNAPSHOT_COVERS_QUERY, params))[0].snapshots === 0;
    const stream = computed
      ? await this.streamComputed(dataset, tenantId, request, format.clickhouse)
      : await this.clickhouse.streamRun(EXPORT_QUERIES[dataset], params, format.clickhouse);
    return {
      stream,
      contentType: format.contentType,
      filename: exportFileName(dataset, request.from, request.to, format.extension),
    };
  }

  /**
   * A period no snapshot covers: the rows liftReport and guardrails answer now (at the report's
   * confidence and revenue cap, REPORT_REVENUE_CAP, as a snapshot of it would be taken),
   * shaped as a snapshot's measures and written by the engine.
   */
  private async streamComputed(
    dataset: ComputedDatasetName,
    tenantId: string,
    request: ExportRequest,
    format: string,
  ): Promise<Readable> {
    const { from, to } = request;
    const [rows, definitions] = await Promise.all([
      dataset === 'lift'
        ? this.lift.report(tenantId, {
            from,
            to,
            confidence: REPORT_CONFIDENCE,
            revenueCap: reportsSettings(this.config).revenueCap,
          })
        : this.guardrails.report(tenantId, from, to),
      this.triggers.list(tenantId),
    ]);
    const measures = JSON.stringify({
      [dataset]: rows,
      triggers: definitions.map((t) => ({
        triggerId: t.triggerId,
        name: t.name,
        status: t.status,
      })),
    });
    const period = toPeriod(from, to);
    return this.clickhouse.streamRun(
      COMPUTED_EXPORT_QUERIES[dataset],
      {
        from: period.params.from,
        to: period.params.to,
        computedAt: toClickHouseTime(Date.now()),
        measures,
      },
      format,
    );
  }

  /** What can be exported, for GET /v1/export. */
  catalog(): { datasets: { name: string; view: string; period: string }[]; formats: string[] } {
    return {
      datasets: EXPORT_DATASET_NAMES.map((name) => ({
        name,
        view: EXPORT_DATASETS[name].view,
        period: EXPORT_DATASETS[name].period,
      })),
      formats: Object.keys(EXPORT_FORMATS),
    };
  }
}
