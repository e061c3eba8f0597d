/** Every BullMQ queue Causeway uses. */
export enum QueueName {
  Ingest = 'ingest',
  Reports = 'reports',
}

/** Every job name, per queue. */
export enum JobName {
  IngestBatch = 'ingest-batch',
  /** Renders and stores the weekly lift report snapshots (queue `reports`, repeatable). */
  ReportSnapshot = 'report-snapshot',
}
