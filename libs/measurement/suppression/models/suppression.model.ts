import { ObjectType } from '@nestjs/graphql';
import { FloatField, IdField, IntField, StringField } from '../../../graphql-fields/index.js';

@ObjectType({
  description:
    'Suppression failures of one trigger over the sent treatment firings decided in [from, to).',
})
export class SuppressionSummary {
  @IdField('The trigger.') triggerId!: string;

  @StringField(
    'The trigger\'s channel: its definition\'s, else the one its sent firings share ("" when they carry several).',
  )
  channel!: string;

  @IntField('Sent treatment firings (arm treatment, no skip_reason).') sentFirings!: number;

  @IntField(
    'Sent firings whose person already had a success outcome of the trigger in [decided_at − suppression.converted_lookback_ms, decided_at) (lookback default 24 h): retargeting someone who just converted. A trigger never defined is checked with the default success types (conversion, purchase, signup) and the 24 h default.',
  )
  convertedThenTargeted!: number;

  @FloatField('convertedThenTargeted / sentFirings; 0 without sent firings.')
  convertedThenTargetedRate!: number;

  @IntField(
    'Sent firings with a dispatched_at and an opened or rendered exposure whose person had a success outcome of the trigger strictly between dispatched_at and the first opened|rendered: content resolved at open time would have changed. A trigger never defined is checked with the default success types.',
  )
  convertedInFlight!: number;

  @FloatField('convertedInFlight / sentFirings; 0 without sent firings.')
  convertedInFlightRate!: number;

  @IntField(
    "Sent firings beyond the trigger's frequency_cap {max, per_ms}: the person already had at least max sent firings of the trigger in (decided_at − per_ms, decided_at). 0 for a trigger without a cap, or never defined (no cap was stated).",
  )
  capBreaches!: number;

  @FloatField('capBreaches / sentFirings; 0 without sent firings.') capBreachRate!: number;
}
