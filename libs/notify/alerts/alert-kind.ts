import { registerEnumType } from '@nestjs/graphql';

/** The eight alert rules of docs/design.md §8. */
export enum AlertKind {
  SRM = 'SRM',
  HARM = 'HARM',
  LOSS = 'LOSS',
  SIGNIFICANT_GAIN = 'SIGNIFICANT_GAIN',
  CONSENT_VIOLATION = 'CONSENT_VIOLATION',
  LATENCY_OUT_OF_WINDOW = 'LATENCY_OUT_OF_WINDOW',
  STALE_SIGNALS = 'STALE_SIGNALS',
  REJECTED_ROWS = 'REJECTED_ROWS',
}

export enum AlertState {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}

registerEnumType(AlertKind, {
  name: 'AlertKind',
  description: 'What an alert is about (the README defines each rule).',
  valuesMap: {
    SRM: {
      description: "The trigger's treatment/holdout split breaks its holdout_pct (p < 0.001).",
    },
    HARM: {
      description:
        'More overwhelm or regret with the trigger than without (always-valid interval above 0).',
    },
    LOSS: { description: 'Fewer conversions with the trigger than without (interval below 0).' },
    SIGNIFICANT_GAIN: {
      description: 'More conversions with the trigger than without (interval above 0).',
    },
    CONSENT_VIOLATION: { description: 'A message sent without consent in the last day.' },
    LATENCY_OUT_OF_WINDOW: {
      description: 'Under 90% of the last day’s sends (at least 100) acted within the window.',
    },
    STALE_SIGNALS: {
      description: "The trigger's signals arrive older than its window (p90, last day).",
    },
    REJECTED_ROWS: {
      description: "Over 1% of a stream's lines rejected in the last hour (at least 100 lines).",
    },
  },
});

registerEnumType(AlertState, {
  name: 'AlertState',
  description: 'Whether the condition still holds.',
  valuesMap: {
    OPEN: { description: 'The last evaluation found the condition.' },
    RESOLVED: { description: 'An evaluation no longer found it.' },
  },
});
