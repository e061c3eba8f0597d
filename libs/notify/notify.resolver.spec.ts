import { describe, expect, it } from '@jest/globals';
import { fieldSignature, schemaOf, undocumentedParts } from '../testing/index.js';
import { AlertsResolver } from './alerts/alerts.resolver.js';
import { DigestResolver } from './digest/digest.resolver.js';
import { ShareLinksResolver } from './share/share-links.resolver.js';
import { WebhooksResolver } from './webhooks/webhooks.resolver.js';

describe('notify schema (docs/design.md §8)', () => {
  it('has the signatures of docs/design.md §8, every part described', async () => {
    const schema = await schemaOf([
      AlertsResolver,
      WebhooksResolver,
      ShareLinksResolver,
      DigestResolver,
    ]);
    expect([
      fieldSignature(schema, 'Query', 'alerts'),
      fieldSignature(schema, 'Mutation', 'evaluateAlerts'),
      fieldSignature(schema, 'Mutation', 'createWebhook'),
      fieldSignature(schema, 'Query', 'webhooks'),
      fieldSignature(schema, 'Mutation', 'deleteWebhook'),
      fieldSignature(schema, 'Query', 'webhookDeliveries'),
      fieldSignature(schema, 'Mutation', 'setDigest'),
      fieldSignature(schema, 'Mutation', 'sendDigestNow'),
      fieldSignature(schema, 'Mutation', 'createShareLink'),
      fieldSignature(schema, 'Query', 'shareLinks'),
      fieldSignature(schema, 'Mutation', 'revokeShareLink'),
    ]).toEqual([
      'alerts(state: AlertState, from: DateTime, to: DateTime, limit: Int): [Alert!]!',
      'evaluateAlerts(asOf: DateTime): [Alert!]!',
      'createWebhook(url: String!, events: [String!]!, format: WebhookFormat): CreatedWebhook!',
      'webhooks(): [Webhook!]!',
      'deleteWebhook(id: ID!): Boolean!',
      'webhookDeliveries(webhookId: ID!, limit: Int): [WebhookDelivery!]!',
      'setDigest(recipients: [String!]!, schedule: String, timeZone: String): Digest!',
      'sendDigestNow(): Boolean!',
      'createShareLink(resource: ShareResource!, from: DateTime, to: DateTime, snapshotId: ID, expiresInHours: Int): ShareLink!',
      'shareLinks(includeExpired: Boolean!): [ShareLink!]!',
      'revokeShareLink(id: ID!): Boolean!',
    ]);
    expect(undocumentedParts(schema)).toEqual([]);
  });
});
