import { Field, ObjectType } from '@nestjs/graphql';
import { AttributionModel } from '../dto/attribution-model.enum.js';
import { FloatField, IdField, IntField, StringField } from '../../../graphql-fields/index.js';

@ObjectType({
  description:
    "Conversions credited to one trigger by an attribution model, beside the holdout's estimate of the conversions it caused. Attribution counts who was touched before converting; lift counts what the trigger changed. The gap between them is the credit a touch-based model gives for conversions that would have happened anyway.",
})
export class TriggerAttribution {
  @IdField('The trigger.') triggerId!: string;

  @Field(() => AttributionModel, { description: 'The model the credit was spread by.' })
  model!: AttributionModel;

  @FloatField(
    "Success outcomes credited to the trigger (fractions under LINEAR and TIME_DECAY). A success outcome counts once in total across triggers, when a sent treatment firing of the period reaches it: the outcome is one of that version's success types and falls in (decided_at, decided_at + C].",
  )
  conversions!: number;

  @FloatField('The value of those outcomes, credited the same way.') revenue!: number;

  @IntField('Sent treatment firings of the trigger in the period that reach a success outcome.')
  touches!: number;

  @FloatField(
    'Holdout-based incremental conversions of the trigger over the same period (liftReport: absolute lift × treated persons; a count of persons, not of outcomes); null when the holdout gives no estimate.',
    { nullable: true },
  )
  incrementalConversions!: number | null;

  @FloatField('Lower end of the 95% interval of incrementalConversions.', { nullable: true })
  incrementalConversionsLow!: number | null;

  @FloatField('Upper end of the 95% interval of incrementalConversions.', { nullable: true })
  incrementalConversionsHigh!: number | null;

  @FloatField('Holdout-based incremental revenue (liftReport); null without an estimate.', {
    nullable: true,
  })
  incrementalRevenue!: number | null;

  @StringField(
    "The lift's verdict in words (says when the holdout is too small or its split is broken); null when the trigger has no lift row.",
    { nullable: true },
  )
  liftVerdict!: string | null;

  @StringField(
    'Why the incremental figures cannot be trusted or read: "SRM: do not trust: ..." when the split fails the sample-ratio check, "too little data: ..." when an arm is too small (the lift\'s own caveat); null when they can, or when the trigger has no lift row.',
    { nullable: true },
  )
  caveat!: string | null;

  @FloatField('TIME_DECAY: the half-life used, in ms; null for the other models.', {
    nullable: true,
  })
  halfLifeMs!: number | null;
}
