import { ObjectType } from '@nestjs/graphql';
import { FloatField, IdField, IntField, StringField } from '../../../graphql-fields/index.js';

@ObjectType({
  description:
    'Signal-to-action latency of one trigger (and channel, day when grouped) over its sent treatment firings decided in the period. Latencies are in ms and cover the firings with a known signal time.',
})
export class LatencyStats {
  @IdField('The trigger.') triggerId!: string;

  @StringField(
    "Grouped by CHANNEL: the firings' channel (the trigger's when a firing names none). Otherwise the trigger's channel; for a trigger without a definition, its firings' channel when they share one, else \"\".",
  )
  channel!: string;

  @StringField('UTC day of decided_at (YYYY-MM-DD) when grouped by DAY, otherwise null.', {
    nullable: true,
  })
  day!: string | null;

  @IntField(
    'Sent treatment firings with a known signal time: the firings the latency figures and the within-window rate are computed over.',
  )
  firings!: number;

  @IntField(
    'Sent treatment firings left out because no signal time is known: no signal_at and no stored signal under signal_event_id.',
  )
  noSignalTime!: number;

  @FloatField(
    'Median end-to-end latency: first delivered|rendered exposure (else decided_at) minus signal time. Exact percentile, interpolated between ranks (PERCENTILE.INC).',
  )
  p50Ms!: number;

  @FloatField('90th percentile of end-to-end latency (exact).') p90Ms!: number;

  @FloatField('95th percentile of end-to-end latency (exact).') p95Ms!: number;

  @FloatField('99th percentile of end-to-end latency (exact).') p99Ms!: number;

  @FloatField('Largest end-to-end latency.') maxMs!: number;

  @FloatField('Median of decided_at minus signal time.') signalToDecisionP50Ms!: number;

  @FloatField(
    'Median of first delivered|rendered exposure minus decided_at, over the sent treatment firings that have one (with or without a signal time); null when none has.',
    { nullable: true },
  )
  decisionToDeliveryP50Ms!: number | null;

  @FloatField(
    "The trigger's relevance window W (newest definition); null when the trigger has no definition or a window of 0.",
    { nullable: true },
  )
  windowMs!: number | null;

  @FloatField(
    'Share of the measured firings whose end-to-end latency is at most W; null when there is no window.',
    { nullable: true },
  )
  withinWindowRate!: number | null;

  @IntField(
    'Measured firings whose end-to-end latency exceeds W: they acted on a dead signal. 0 when there is no window.',
  )
  expired!: number;
}
