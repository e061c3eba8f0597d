import { Field, ObjectType } from '@nestjs/graphql';
import { ArmStats, Interval } from '../../lift/models/lift.model.js';
import { FloatField, IdField, StringField } from '../../../graphql-fields/index.js';

@ObjectType({
  description:
    'Harm-side lift of one trigger: overwhelm (persons with an unsubscribe, complaint, opt-out, uninstall or dismiss in (t0, t0 + C]) or regret (converting orders returned, refunded or charged back within 30 days); each class also counts the outcome types the tenant added to it (outcomeTypes).',
})
export class GuardrailLift {
  @IdField('The trigger.') triggerId!: string;

  @StringField('overwhelm or regret.') outcomeClass!: string;

  @Field(() => ArmStats, {
    description:
      'Treatment arm. For overwhelm: persons and persons overwhelmed (in conversions). For regret: converting orders (in persons) and orders regretted (in conversions).',
  })
  treatment!: ArmStats;

  @Field(() => ArmStats, { description: 'Control arm (holdout and global holdout), same units.' })
  holdout!: ArmStats;

  @Field(() => Interval, {
    nullable: true,
    description: 'Rate difference treatment − control; positive is harm.',
  })
  absoluteLift!: Interval | null;

  @Field(() => Interval, {
    nullable: true,
    description:
      'Relative difference; null when the control rate is 0, or when the treated rate is 0 while the control rate is between 0 and 1.',
  })
  relativeLift!: Interval | null;

  @FloatField('Two-sided p-value.', { nullable: true }) pValue!: number | null;

  @StringField(
    "The result in plain words; when the trigger's holdout cannot be read, the caveat alone.",
  )
  verdict!: string;

  @StringField(
    'Why the row cannot be trusted or read: "SRM: do not trust: ..." when the trigger\'s split fails the sample-ratio check (the same check as its lift), "too little data: ..." when an arm is too small; null when it can.',
    { nullable: true },
  )
  caveat!: string | null;
}
