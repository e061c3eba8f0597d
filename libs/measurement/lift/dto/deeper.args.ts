import { ArgsType, Field, Float, ID, registerEnumType } from '@nestjs/graphql';
import { PeriodArgs, TriggerPeriodArgs } from './lift.args.js';
import { FloatField, IntField, StringField } from '../../../graphql-fields/index.js';

export enum SegmentDimension {
  CHANNEL = 'channel',
  SURFACE = 'surface',
  VARIANT = 'variant',
  PROPERTY = 'property',
}
registerEnumType(SegmentDimension, {
  name: 'SegmentDimension',
  description:
    "What a person's segment is read from on their assignment firing: its channel, surface, variant, or a property (name it with `property`).",
});

@ArgsType()
export class SegmentsArgs extends PeriodArgs {
  @Field(() => ID) triggerId!: string;

  @Field(() => SegmentDimension) by!: SegmentDimension;

  @StringField('The firing property, with by: PROPERTY.', { nullable: true })
  property?: string | null;

  @IntField('Keep the largest segments by persons; the rest are pooled as (other).', {
    nullable: true,
    defaultValue: 20,
  })
  maxSegments!: number;

  @Field(() => Float, { nullable: true, defaultValue: 0.95 }) confidence!: number;

  @Field({ nullable: true, defaultValue: false }) cuped!: boolean;
}

@ArgsType()
export class HoldoutPlanArgs extends PeriodArgs {
  @Field(() => ID) triggerId!: string;

  @FloatField('The relative lift to detect (0.05 = +5%).') relativeMde!: number;

  @Field(() => Float, { nullable: true, defaultValue: 0.8 }) power!: number;

  @Field(() => Float, { nullable: true, defaultValue: 0.05 }) alpha!: number;
}

@ArgsType()
export class InteractionsArgs extends TriggerPeriodArgs {
  @Field(() => Float, { nullable: true, defaultValue: 0.95 }) confidence!: number;
}
