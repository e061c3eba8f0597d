import { Field, ID, ObjectType } from '@nestjs/graphql';
import { BoolField, FloatField, IntField, StringField } from '../../../graphql-fields/index.js';
import { ExceededWindow } from './exceeded-window.model.js';

@ObjectType({
  description:
    'How fresh one type of signal from one source is when it reaches Causeway, over the signals that occurred in the period. Durations in ms.',
})
export class FreshnessStats {
  @StringField('Signal type.') type!: string;

  @StringField('Source that sent it ("" when the producer named none).') source!: string;

  @StringField(
    'Kind: behavioral, identity or predictive. A type sent with two kinds gets one row per kind.',
  )
  kind!: string;

  @IntField('Signals (distinct event_id) that occurred in the period.') signals!: number;

  @FloatField(
    'Median ingest lag: received_at − occurred_at, or collected_at − occurred_at for a signal imported with an earlier collected_at (exact percentile, PERCENTILE.INC). A re-delivered event is measured at its latest delivery.',
  )
  lagP50Ms!: number;

  @FloatField('90th percentile of the ingest lag.') lagP90Ms!: number;

  @FloatField('99th percentile of the ingest lag.') lagP99Ms!: number;

  @FloatField(
    'Predictive signals: median age of the model input, occurred_at − computed_at; null for other kinds or when no signal carries computed_at.',
    { nullable: true },
  )
  inputAgeP50Ms!: number | null;

  @FloatField('Predictive signals: 90th percentile of the model-input age; null as above.', {
    nullable: true,
  })
  inputAgeP90Ms!: number | null;

  @Field(() => [ID], {
    description:
      'Triggers (newest definition, any status) that list this type in signal_types and whose window_ms is shorter than the p90 lag (predictive: p90 lag + p90 input age): by the time the signal arrives, their window is mostly over. Sorted; triggers without a window are never listed.',
  })
  exceedsWindowOf!: string[];

  @Field(() => [ExceededWindow], {
    description: 'The triggers of exceedsWindowOf, in its order, with their windows.',
  })
  exceededWindows!: ExceededWindow[];

  @BoolField('True when exceedsWindowOf is not empty.') stale!: boolean;
}
