/** Every BullMQ queue Causeway uses. */
export enum QueueName {
  Ingest = 'ingest',
  Reports = 'reports',
  /** Webhook messages, one job per (event, endpoint), retried with exponential backoff. */
  Webhooks = 'webhooks',
  /** Weekly digest e-mails, one repeatable job per tenant. */
  Digests = 'digests',
}

/** Every job name, per queue. */
export enum JobName {
  IngestBatch = 'ingest-batch',
  /** Renders and stores the weekly lift report snapshots (queue `reports`, repeatable). */
  ReportSnapshot = 'report-snapshot',
  /** Delivers one webhook message to one endpoint (queue `webhooks`). */
  WebhookDelivery = 'webhook-delivery',
  /** Sends a tenant's digest e-mail (queue `digests`, repeatable per tenant). */
  DigestSend = 'digest-send',
}
