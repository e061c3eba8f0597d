import { ObjectType } from '@nestjs/graphql';
import {
  BoolField,
  DateField,
  FloatField,
  IdField,
  JsonField,
  StringField,
} from '../../../graphql-fields/index.js';

@ObjectType({
  description:
    "One event of a person's timeline: a signal, a firing, an exposure, an outcome or a consent change. Entries come in time order; at the same instant consent changes come first, then signals, firings, exposures and outcomes (the order in which one can cause the next), then by id.",
})
export class TimelineEntry {
  @DateField(
    'Event time: occurred_at (signals, exposures, outcomes, consent) or decided_at (firings).',
  )
  at!: Date;

  @StringField('signal, firing, exposure, outcome or consent.') kind!: string;

  @IdField('The row id: event_id, firing_id, exposure event_id, outcome_id or consent event_id.')
  id!: string;

  @StringField(
    'Signal type; firing: sent, skipped (a treatment firing with a skip reason) or held_out (holdout or global holdout); exposure type; outcome type; consent: the purpose.',
    { nullable: true },
  )
  type!: string | null;

  @IdField(
    'Firings: their trigger; exposures: the trigger of their firing; outcomes: the trigger of the firing they name, if known; otherwise null.',
    { nullable: true },
  )
  triggerId!: string | null;

  @StringField('Firings: treatment, holdout or global_holdout; otherwise null.', { nullable: true })
  arm!: string | null;

  @FloatField('Outcomes: their value; otherwise null.', { nullable: true }) value!: number | null;

  @StringField(
    'Firings: why the firing was not sent (frequency_cap, consent, ...); null when sent.',
    { nullable: true },
  )
  skipReason!: string | null;

  @FloatField(
    'Firings: end-to-end latency in ms (first delivered|rendered exposure, else decided_at, minus the signal time); null when the signal time is unknown.',
    { nullable: true },
  )
  latencyMs!: number | null;

  @BoolField(
    'Firings: whether latencyMs is within the relevance window of the definition version measured; null without a latency or a window.',
    { nullable: true },
  )
  withinWindow!: boolean | null;

  @StringField(
    'Firings: the consent purpose of the definition version measured; consent changes: their purpose; otherwise null.',
    { nullable: true },
  )
  consentPurpose!: string | null;

  @BoolField(
    'Firings: the consent state of that purpose at decided_at (the latest consent event at or before it; none = false), null when the trigger needs no consent. Consent changes: granted or revoked.',
    { nullable: true },
  )
  consentGranted!: boolean | null;

  @JsonField(
    'Everything else about the row, snake_case as in the input streams: signals kind, source, session_id, properties, computed_at, received_at; firings trigger_version (named, 0 = none), measured_version, channel, surface, variant, signal_event_id, signal_at, dispatched_at, delivered_at, signal_to_decision_ms, decision_to_delivery_ms, window_ms; exposures firing_id, rendered_variant, machine; outcomes class (success, regret, overwhelm, other), currency, order_id, refund_of_order_id, channel, firing_id; consent source, recorded_at.',
    { nullable: true },
  )
  detail!: Record<string, unknown> | null;
}
