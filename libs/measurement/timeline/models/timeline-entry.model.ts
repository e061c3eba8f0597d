import { Field, Float, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';

@ObjectType({
  description:
    "One event of a person's timeline: a signal, a firing, an exposure, an outcome or a consent change. Entries come in time order; at the same instant consent changes come first, then signals, firings, exposures and outcomes (the order in which one can cause the next), then by id.",
})
export class TimelineEntry {
  @Field(() => GraphQLISODateTime, {
    description:
      'Event time: occurred_at (signals, exposures, outcomes, consent) or decided_at (firings).',
  })
  at!: Date;

  @Field({ description: 'signal, firing, exposure, outcome or consent.' })
  kind!: string;

  @Field(() => ID, {
    description:
      'The row id: event_id, firing_id, exposure event_id, outcome_id or consent event_id.',
  })
  id!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Signal type; firing: sent, skipped (a treatment firing with a skip reason) or held_out (holdout or global holdout); exposure type; outcome type; consent: the purpose.',
  })
  type!: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'Firings: their trigger; exposures: the trigger of their firing; outcomes: the trigger of the firing they name, if known; otherwise null.',
  })
  triggerId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Firings: treatment, holdout or global_holdout; otherwise null.',
  })
  arm!: string | null;

  @Field(() => Float, { nullable: true, description: 'Outcomes: their value; otherwise null.' })
  value!: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Firings: why the firing was not sent (frequency_cap, consent, ...); null when sent.',
  })
  skipReason!: string | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Firings: end-to-end latency in ms (first delivered|rendered exposure, else decided_at, minus the signal time); null when the signal time is unknown.',
  })
  latencyMs!: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Firings: whether latencyMs is within the relevance window of the definition version measured; null without a latency or a window.',
  })
  withinWindow!: boolean | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Firings: the consent purpose of the definition version measured; consent changes: their purpose; otherwise null.',
  })
  consentPurpose!: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Firings: the consent state of that purpose at decided_at (the latest consent event at or before it; none = false), null when the trigger needs no consent. Consent changes: granted or revoked.',
  })
  consentGranted!: boolean | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'Everything else about the row, snake_case as in the input streams: signals kind, source, session_id, properties, computed_at, received_at; firings trigger_version (named, 0 = none), measured_version, channel, surface, variant, signal_event_id, signal_at, dispatched_at, delivered_at, signal_to_decision_ms, decision_to_delivery_ms, window_ms; exposures firing_id, rendered_variant, machine; outcomes class (success, regret, overwhelm, other), currency, order_id, refund_of_order_id, channel, firing_id; consent source, recorded_at.',
  })
  detail!: Record<string, unknown> | null;
}
