import { Field, ObjectType } from '@nestjs/graphql';
import { ArmStats, Interval, SrmCheck } from '../../lift/models/lift.model.js';
import { DateField, FloatField, IntField, StringField } from '../../../graphql-fields/index.js';

@ObjectType({
  description:
    'The lift of one trigger as it read at one instant: assignments in [from, asOf), conversions before asOf.',
})
export class LiftPoint {
  @DateField('The instant the lift is read at (from + k·granularity; the last is to).') asOf!: Date;

  @Field(() => ArmStats, { description: 'Treated persons (all variants, or the given variant).' })
  treatment!: ArmStats;

  @Field(() => ArmStats, { description: 'Control persons: holdout and global holdout.' })
  holdout!: ArmStats;

  @Field(() => Interval, {
    nullable: true,
    description: 'p_t − p_c with its interval; null when an arm is empty.',
  })
  absoluteLift!: Interval | null;

  @Field(() => Interval, {
    nullable: true,
    description:
      '(p_t − p_c) / p_c with its interval; null when an arm is empty, when p_c is 0, or when p_t is 0 while p_c is between 0 and 1.',
  })
  relativeLift!: Interval | null;

  @FloatField('Two-sided p-value of the conversion lift.', { nullable: true })
  pValue!: number | null;

  @Field(() => Interval, {
    nullable: true,
    description: 'Difference of revenue per person with its interval.',
  })
  revenueLift!: Interval | null;

  @Field(() => SrmCheck, { description: 'Sample-ratio mismatch check at that instant.' })
  srm!: SrmCheck;

  @IntField('Persons with firings in both arms before asOf, excluded from both.')
  contaminatedPersons!: number;

  @StringField('fixed, cuped, sequential or cuped+sequential.') method!: string;

  @IntField(
    "With sequential intervals: the persons (both arms) the confidence sequence is tuned for, fixed in advance (the definition's planned_persons, else the tenant-wide default); null otherwise.",
    { nullable: true },
  )
  plannedPersons!: number | null;

  @StringField('The reading in plain words at that instant (as liftReport).') verdict!: string;
}
