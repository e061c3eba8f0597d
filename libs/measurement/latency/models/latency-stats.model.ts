import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({
  description:
    'Signal-to-action latency of one trigger (and channel, day when grouped) over its sent treatment firings decided in the period. Latencies are in ms and cover the firings with a known signal time.',
})
export class LatencyStats {
  @Field(() => ID, { description: 'The trigger.' })
  triggerId!: string;

  @Field({
    description:
      "Grouped by CHANNEL: the firings' channel (the trigger's when a firing names none). Otherwise the trigger's channel; for a trigger without a definition, its firings' channel when they share one, else \"\".",
  })
  channel!: string;

  @Field(() => String, {
    nullable: true,
    description: 'UTC day of decided_at (YYYY-MM-DD) when grouped by DAY, otherwise null.',
  })
  day!: string | null;

  @Field(() => Int, {
    description:
      'Sent treatment firings with a known signal time: the firings the latency figures and the within-window rate are computed over.',
  })
  firings!: number;

  @Field(() => Int, {
    description:
      'Sent treatment firings left out because no signal time is known: no signal_at and no stored signal under signal_event_id.',
  })
  noSignalTime!: number;

  @Field(() => Float, {
    description:
      'Median end-to-end latency: first delivered|rendered exposure (else decided_at) minus signal time. Exact percentile, interpolated between ranks (PERCENTILE.INC).',
  })
  p50Ms!: number;

  @Field(() => Float, { description: '90th percentile of end-to-end latency (exact).' })
  p90Ms!: number;

  @Field(() => Float, { description: '95th percentile of end-to-end latency (exact).' })
  p95Ms!: number;

  @Field(() => Float, { description: '99th percentile of end-to-end latency (exact).' })
  p99Ms!: number;

  @Field(() => Float, { description: 'Largest end-to-end latency.' })
  maxMs!: number;

  @Field(() => Float, { description: 'Median of decided_at minus signal time.' })
  signalToDecisionP50Ms!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Median of first delivered|rendered exposure minus decided_at, over the sent treatment firings that have one (with or without a signal time); null when none has.',
  })
  decisionToDeliveryP50Ms!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "The trigger's relevance window W (newest definition); null when the trigger has no definition or a window of 0.",
  })
  windowMs!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Share of the measured firings whose end-to-end latency is at most W; null when there is no window.',
  })
  withinWindowRate!: number | null;

  @Field(() => Int, {
    description:
      'Measured firings whose end-to-end latency exceeds W: they acted on a dead signal. 0 when there is no window.',
  })
  expired!: number;
}
