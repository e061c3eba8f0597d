/** Every BullMQ queue Causeway uses. */
export enum QueueName {
  Ingest = 'ingest',
}

/** Every job name, per queue. */
export enum JobName {
  IngestBatch = 'ingest-batch',
}
