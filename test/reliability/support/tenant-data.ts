/**
 * The same small program for two tenants: the same ids (persons, triggers, firings, orders), so a
 * query that forgets the tenant in one join mixes them, and different marker strings and amounts,
 * so a leak is visible as text.
 */
export interface TenantProgram {
  /** Text found only in this tenant's rows. */
  marker: string;
  /** A money amount found only in this tenant's rows. */
  amount: number;
  streams: Record<string, object[]>;
  /** A line the service rejects, kept with its raw text. */
  rejectedLine: string;
}

const at = (day: number, hour: number, minute = 0) =>
  new Date(Date.UTC(2026, 9, day, hour, minute)).toISOString();

export const PERIOD = { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' };
export const SHARED_PERSON = 'p1';
export const SHARED_TRIGGER = 'shared-trigger';

export function tenantProgram(marker: string, amount: number): TenantProgram {
  const persons = Array.from({ length: 40 }, (_, i) => `p${i + 1}`);
  const triggers = [
    {
      trigger_id: SHARED_TRIGGER,
      name: `${marker} shared trigger`,
      channel: 'email',
      surface: `${marker}-surface`,
      audience: `${marker} audience`,
      signal_types: [`${marker}-cart`],
      window_ms: 3_600_000,
      success_types: ['purchase'],
      guardrail_types: ['unsubscribe'],
      holdout_pct: 0.25,
      frequency_cap: { max: 1, per_ms: 86_400_000 },
      suppression: { converted_lookback_ms: 86_400_000 },
      consent_purpose: 'email_marketing',
      status: 'live',
    },
    {
      trigger_id: `${marker}-own-trigger`,
      name: `${marker} own trigger`,
      channel: `${marker}-channel`,
      signal_types: [`${marker}-browse`],
      window_ms: 60_000,
      success_types: [`${marker}-signup`],
      status: 'draft',
    },
  ];
  const signals = persons.flatMap((person, i) => [
    {
      event_id: `s-${i}`,
      person_id: person,
      type: `${marker}-cart`,
      occurred_at: at(2 + (i % 20), 10),
      source: `${marker}-source`,
      properties: { note: `${marker}-property` },
    },
    {
      event_id: `s-pred-${i}`,
      person_id: person,
      type: `${marker}-churn-risk`,
      kind: 'predictive',
      occurred_at: at(2 + (i % 20), 9),
      computed_at: at(1, 0),
      source: `${marker}-model`,
    },
  ]);
  const firings = persons.flatMap((person, i) => [
    {
      firing_id: `f-${i}`,
      trigger_id: SHARED_TRIGGER,
      person_id: person,
      decided_at: at(2 + (i % 20), 10, 5),
      arm: i % 4 === 0 ? 'holdout' : 'treatment',
      signal_event_id: `s-${i}`,
      dispatched_at: at(2 + (i % 20), 10, 6),
      variant: `${marker}-variant`,
    },
    {
      firing_id: `f-again-${i}`,
      trigger_id: SHARED_TRIGGER,
      person_id: person,
      decided_at: at(2 + (i % 20), 12),
      arm: i % 4 === 0 ? 'holdout' : 'treatment',
      variant: `${marker}-variant`,
    },
  ]);
  const exposures = firings
    .filter((f) => f.arm === 'treatment')
    .flatMap((f) => [
      {
        firing_id: f.firing_id,
        type: 'delivered',
        occurred_at: f.decided_at.replace(':05:', ':07:'),
      },
      { firing_id: f.firing_id, type: 'opened', occurred_at: f.decided_at.replace('T10', 'T11') },
    ]);
  const outcomes = persons.flatMap((person, i) =>
    i % 3 === 0
      ? [
          {
            outcome_id: `o-${i}`,
            person_id: person,
            type: 'purchase',
            occurred_at: at(3 + (i % 20), 9),
            value: amount,
            currency: 'EUR',
            order_id: `order-${i}`,
            channel: `${marker}-shop`,
          },
          ...(i % 6 === 0
            ? [
                {
                  outcome_id: `r-${i}`,
                  person_id: person,
                  type: 'refund',
                  occurred_at: at(4 + (i % 20), 9),
                  refund_of_order_id: `order-${i}`,
                  value: amount,
                },
              ]
            : [
                {
                  outcome_id: `u-${i}`,
                  person_id: person,
                  type: 'unsubscribe',
                  occurred_at: at(3 + (i % 20), 12),
                },
              ]),
        ]
      : [],
  );
  const consent = persons.map((person, i) => ({
    person_id: person,
    purpose: 'email_marketing',
    granted: i % 5 !== 0,
    occurred_at: at(1, 1),
    source: `${marker}-cmp`,
    recorded_at: at(1, 2),
  }));
  return {
    marker,
    amount,
    streams: { triggers, signals, firings, exposures, outcomes, consent },
    rejectedLine: JSON.stringify({ event_id: `${marker}-rejected`, person_id: 'p1' }),
  };
}
