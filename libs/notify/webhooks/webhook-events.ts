import { registerDocumentedEnum } from '../../graphql-fields/index.js';

/** Every event a webhook may subscribe to. */
export const WEBHOOK_EVENTS = ['alert.opened', 'alert.resolved', 'snapshot.created'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export function isWebhookEvent(value: string): value is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(value);
}

/** How a message is shaped for its receiver. */
export enum WebhookFormat {
  /** Standard Webhooks: `{type, timestamp, data}`, signed. */
  STANDARD = 'STANDARD',
  /** A Slack incoming webhook: `{text, blocks}`. */
  SLACK = 'SLACK',
}

registerDocumentedEnum(WebhookFormat, 'WebhookFormat', 'How a webhook message is shaped.', {
  STANDARD:
    'Standard Webhooks: body {type, timestamp, data}, headers webhook-id, webhook-timestamp, webhook-signature.',
  SLACK: 'A Slack incoming-webhook message: {text, blocks}.',
});

/** One event that happened, before it is shaped for an endpoint. */
export interface WebhookMessage {
  /** Unique per event and endpoint: the `webhook-id` header, the same on every retry. */
  messageId: string;
  event: WebhookEvent;
  /** When the event happened, ISO-8601. */
  timestamp: string;
  data: Record<string, unknown>;
  /** One line a person reads (Slack's text; the digest). */
  summary: string;
  /** Where the event's figures can be read, for a person (Slack shows it under the summary). */
  link?: MessageLink;
}

/** A link a person follows from a message. */
export interface MessageLink {
  url: string;
  /** The words linked. */
  text: string;
}

/** A link as Slack's mrkdwn writes one: `<url|text>`, both escaped. */
function slackLink(link: MessageLink): string {
  return `<${slackText(link.url)}|${slackText(link.text)}>`;
}

/**
 * Text as Slack's mrkdwn reads it literally: `&`, `<` and `>` escaped, the three characters Slack
 * parses (an unescaped `<bob@example.com>` from a mail server's error is read as a link).
 */
function slackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The body posted for a message in a format. */
export function messageBody(message: WebhookMessage, format: WebhookFormat): string {
  switch (format) {
    case WebhookFormat.STANDARD:
      return JSON.stringify({
        type: message.event,
        timestamp: message.timestamp,
        data: message.data,
      });
    case WebhookFormat.SLACK: {
      const link = message.link === undefined ? '' : ` ${slackLink(message.link)}`;
      return JSON.stringify({
        text: `${slackText(message.summary)}${link}`,
        blocks: [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: `*${message.event}*\n${slackText(message.summary)}${link}`,
            },
          },
          {
            type: 'context',
            elements: [{ type: 'mrkdwn', text: `Causeway · ${message.timestamp}` }],
          },
        ],
      });
    }
  }
}
