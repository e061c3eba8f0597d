import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { toPeriod } from '../measurement/index.js';
import { ClickHouseService } from '../storage/index.js';
import { BiErrorCode, BiException } from './bi.exception.js';
import {
  EXPORT_DATASET_NAMES,
  EXPORT_DATASETS,
  EXPORT_FORMATS,
  EXPORT_QUERIES,
  isExportDataset,
  isExportFormat,
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

/**
 * Curated datasets straight from ClickHouse's output formats (CSVWithNames, Parquet, JSONEachRow):
 * the bytes the engine writes are the bytes the caller gets, never parsed or re-serialized here.
 */
@Injectable()
export class ExportsService {
  constructor(private readonly clickhouse: ClickHouseService) {}

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
    const stream = await this.clickhouse.streamRun(
      EXPORT_QUERIES[dataset],
      { tenantId, ...period.params },
      format.clickhouse,
    );
    const day = (d: Date) => d.toISOString().slice(0, 10);
    return {
      stream,
      contentType: format.contentType,
      filename: `causeway-${dataset}-${day(request.from)}-${day(request.to)}.${format.extension}`,
    };
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
