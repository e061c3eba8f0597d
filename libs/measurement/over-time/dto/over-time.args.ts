import { ArgsType, Field, ID } from '@nestjs/graphql';
import { Granularity } from '../granularity.js';
import { ConfidenceArg, CupedArg } from '../../lift/dto/lift.args.js';
import {
  BoolField,
  DateField,
  FloatField,
  IdField,
  StringField,
} from '../../../graphql-fields/index.js';

@ArgsType()
export class LiftOverTimeArgs {
  @IdField('The trigger.') triggerId!: string;

  @DateField('Start of the period (inclusive), event time.') from!: Date;

  @DateField('End of the period (exclusive), event time: the last point.') to!: Date;

  @Field(() => Granularity, {
    nullable: true,
    defaultValue: Granularity.DAY,
    description: 'Step between points (from + k·step; the last point is to).',
  })
  granularity!: Granularity;

  @StringField(
    "Only this variant's treated persons, against the whole control group, as liftReport by VARIANT reads them (the SRM check and contamination are the whole trigger's); a variant none of its treated persons carry is refused.",
    { nullable: true },
  )
  variant?: string | null;

  @CupedArg() cuped!: boolean;

  @BoolField(
    'Always-valid (sequential) intervals, tuned to planned persons fixed in advance: sound to read every day.',
    { nullable: true, defaultValue: false },
  )
  sequential!: boolean;

  @ConfidenceArg() confidence!: number;
}

@ArgsType()
export class ConversionCurveArgs {
  @IdField('The trigger.') triggerId!: string;

  @DateField('Start of the period of assignments (inclusive), as liftReport.') from!: Date;

  @DateField('End of the period of assignments (exclusive), as liftReport.') to!: Date;

  @FloatField('Step in ms (60000 to 400 days); default one day, or one hour when C ≤ 2 days.', {
    nullable: true,
  })
  stepMs?: number | null;

  @DateField('Persons are observed up to this instant (t0 + sinceMs ≤ horizon); default now.', {
    nullable: true,
  })
  horizon?: Date | null;

  @StringField(
    "Only this variant's treated persons, against the whole control group; a variant none of its treated persons carry is refused.",
    { nullable: true },
  )
  variant?: string | null;
}

@ArgsType()
export class TriggerTrendArgs {
  @DateField('Start of the first bucket (inclusive), decision time.') from!: Date;

  @DateField('End of the last bucket (exclusive), decision time.') to!: Date;

  @Field(() => Granularity, {
    nullable: true,
    defaultValue: Granularity.DAY,
    description: 'Bucket length (from + k·step).',
  })
  granularity!: Granularity;

  @Field(() => [ID], { nullable: true, description: 'Only these triggers (default: all).' })
  triggerIds?: string[] | null;
}
