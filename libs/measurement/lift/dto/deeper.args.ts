import { ArgsType, Field } from '@nestjs/graphql';
import { ConfidenceArg, CupedArg, PeriodArgs, TriggerPeriodArgs } from './lift.args.js';
import {
  FloatField,
  IdField,
  IntField,
  StringField,
  registerDocumentedEnum,
} from '../../../graphql-fields/index.js';

export enum SegmentDimension {
  CHANNEL = 'channel',
  SURFACE = 'surface',
  VARIANT = 'variant',
  PROPERTY = 'property',
}
registerDocumentedEnum(
  SegmentDimension,
  'SegmentDimension',
  "What a person's segment is read from on their assignment firing: its channel, surface, variant, or a property (name it with `property`).",
  {
    CHANNEL: "The firing's channel.",
    SURFACE: "The firing's surface.",
    VARIANT:
      "The treated persons' variant, each against the trigger's whole control group as liftReport by VARIANT (a control person receives no variant); heterogeneity is read from the treated rates.",
    PROPERTY: 'The value of the firing property named by `property`.',
  },
);

/** One trigger over a period. */
@ArgsType()
export class OneTriggerPeriodArgs extends PeriodArgs {
  @IdField('The trigger.') triggerId!: string;
}

@ArgsType()
export class SegmentsArgs extends OneTriggerPeriodArgs {
  @Field(() => SegmentDimension, { description: "What a person's segment is read from." })
  by!: SegmentDimension;

  @StringField('The firing property, with by: PROPERTY.', { nullable: true })
  property?: string | null;

  @IntField('Keep the largest segments by persons; the rest are pooled as (other).', {
    nullable: true,
    defaultValue: 20,
  })
  maxSegments!: number;

  @ConfidenceArg() confidence!: number;

  @CupedArg() cuped!: boolean;
}

@ArgsType()
export class HoldoutPlanArgs extends OneTriggerPeriodArgs {
  @FloatField('The relative lift to detect (0.05 = +5%).') relativeMde!: number;

  @FloatField('Chance of detecting a true lift of relativeMde, in (0, 1).', {
    nullable: true,
    defaultValue: 0.8,
  })
  power!: number;

  @FloatField('Two-sided false-positive rate of the test, in (0, 1).', {
    nullable: true,
    defaultValue: 0.05,
  })
  alpha!: number;
}

@ArgsType()
export class InteractionsArgs extends TriggerPeriodArgs {
  @ConfidenceArg() confidence!: number;
}
