import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { AttributionModel } from '../dto/attribution-model.enum.js';

@ObjectType({
  description:
    "Conversions credited to one trigger by an attribution model, beside the holdout's estimate of the conversions it caused. Attribution counts who was touched before converting; lift counts what the trigger changed. The gap between them is the credit a touch-based model gives for conversions that would have happened anyway.",
})
export class TriggerAttribution {
  @Field(() => ID, { description: 'The trigger.' })
  triggerId!: string;

  @Field(() => AttributionModel, { description: 'The model the credit was spread by.' })
  model!: AttributionModel;

  @Field(() => Float, {
    description:
      "Success outcomes credited to the trigger (fractions under LINEAR and TIME_DECAY). A success outcome counts once in total across triggers, when a sent treatment firing of the period reaches it: the outcome is one of that version's success types and falls in (decided_at, decided_at + C].",
  })
  conversions!: number;

  @Field(() => Float, { description: 'The value of those outcomes, credited the same way.' })
  revenue!: number;

  @Field(() => Int, {
    description:
      'Sent treatment firings of the trigger in the period that reach a success outcome.',
  })
  touches!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Holdout-based incremental conversions of the trigger over the same period (liftReport: absolute lift × treated persons; a count of persons, not of outcomes); null when the holdout gives no estimate.',
  })
  incrementalConversions!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Lower end of the 95% interval of incrementalConversions.',
  })
  incrementalConversionsLow!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Upper end of the 95% interval of incrementalConversions.',
  })
  incrementalConversionsHigh!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Holdout-based incremental revenue (liftReport); null without an estimate.',
  })
  incrementalRevenue!: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The lift's verdict in words (says when the holdout is too small or its split is broken); null when the trigger has no lift row.",
  })
  liftVerdict!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Why the incremental figures cannot be trusted or read: "SRM: do not trust: ..." when the split fails the sample-ratio check, "too little data: ..." when an arm is too small (the lift\'s own caveat); null when they can, or when the trigger has no lift row.',
  })
  caveat!: string | null;

  @Field(() => Float, {
    nullable: true,
    description: 'TIME_DECAY: the half-life used, in ms; null for the other models.',
  })
  halfLifeMs!: number | null;
}
