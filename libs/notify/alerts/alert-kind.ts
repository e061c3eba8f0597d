import { registerDocumentedEnum } from '../../graphql-fields/index.js';

/** The nine alert rules of docs/design.md §8. */
export enum AlertKind {
  SRM = 'SRM',
  HARM = 'HARM',
  LOSS = 'LOSS',
  SIGNIFICANT_GAIN = 'SIGNIFICANT_GAIN',
  CONSENT_VIOLATION = 'CONSENT_VIOLATION',
  LATENCY_OUT_OF_WINDOW = 'LATENCY_OUT_OF_WINDOW',
  STALE_SIGNALS = 'STALE_SIGNALS',
  REJECTED_ROWS = 'REJECTED_ROWS',
  DIGEST_NOT_SENT = 'DIGEST_NOT_SENT',
}

export enum AlertState {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}

registerDocumentedEnum(
  AlertKind,
  'AlertKind',
  'What an alert is about (the README defines each rule).',
  {
    SRM: "The trigger's treatment/holdout split breaks its holdout_pct (p < 0.001).",
    HARM: 'More overwhelm or regret with the trigger than without (always-valid interval above 0).',
    LOSS: 'Fewer conversions with the trigger than without (interval below 0).',
    SIGNIFICANT_GAIN: 'More conversions with the trigger than without (interval above 0).',
    CONSENT_VIOLATION: 'A message sent without consent in the last day.',
    LATENCY_OUT_OF_WINDOW:
      'Under 90% of the last day’s sends (at least 100) acted within the window.',
    STALE_SIGNALS: "The trigger's signals arrive older than its window (p90, last day).",
    REJECTED_ROWS: "Over 1% of a stream's lines rejected in the last hour (at least 100 lines).",
    DIGEST_NOT_SENT: 'The last attempt to send the digest failed, and none has succeeded since.',
  },
);

registerDocumentedEnum(AlertState, 'AlertState', 'Whether the condition still holds.', {
  OPEN: 'The last evaluation found the condition.',
  RESOLVED: 'An evaluation no longer found it.',
});
