import { Field, Float, ObjectType } from '@nestjs/graphql';
import {
  BoolField,
  FloatField,
  IdField,
  IntField,
  StringField,
} from '../../../graphql-fields/index.js';

@ObjectType({ description: 'An estimate with its confidence interval.' })
export class Interval {
  @FloatField('Point estimate.') estimate!: number;

  @FloatField('Lower end of the interval.') low!: number;

  @FloatField('Upper end of the interval.') high!: number;
}

@ObjectType({ description: 'Persons, conversions and revenue of one arm.' })
export class ArmStats {
  @IntField('Persons assigned to the arm (contaminated persons excluded).') persons!: number;

  @IntField('Persons with a success outcome in (t0, t0 + C].') conversions!: number;

  @FloatField('conversions / persons; 0 when the arm is empty.') rate!: number;

  @FloatField('Sum of the value of those success outcomes.') revenue!: number;

  @FloatField('revenue / persons; 0 when the arm is empty.') revenuePerPerson!: number;
}

@ObjectType({
  description: 'Sample-ratio check of the treatment/holdout split against the declared share.',
})
export class SrmCheck {
  @FloatField(
    "The holdout_pct the period's persons were drawn with: the newest definition's, or, when the trigger's versions declare different shares, that of the versions its firings in the period name; null when none is declared.",
    { nullable: true },
  )
  expectedHoldoutShare!: number | null;

  @FloatField(
    'control / (treatment + control) persons; control counts holdout and global holdout.',
    { nullable: true },
  )
  observedHoldoutShare!: number | null;

  @FloatField(
    'Chi-square goodness-of-fit p-value (1 df); null without a declared share, or when sharesInPeriod is not empty. A declared share of 0 (1) leaves the holdout (treatment) arm empty: a person in it is a mismatch, p = 0; none there leaves nothing to test, null.',
    {
      nullable: true,
    },
  )
  pValue!: number | null;

  @BoolField('True when p < 0.001: the randomization is broken and the lift is not to be trusted.')
  flagged!: boolean;

  @Field(() => [Float], {
    nullable: 'items',
    description:
      "The holdout shares (ascending; null: none) declared by the versions of the trigger's definition that the period's firings name, when they differ; empty otherwise. When not empty the split is not checked (pValue null) and the verdict says the shares changed.",
  })
  sharesInPeriod!: (number | null)[];
}

@ObjectType({ description: 'Expected loss of each decision, in relative-lift units (Bayesian).' })
export class Risk {
  @FloatField('E[max(lift, 0)]: what keeping control loses on average.') control!: number;

  @FloatField('E[max(−lift, 0)]: what shipping treatment loses on average.') treatment!: number;
}

@ObjectType({ description: 'Holdout lift of one trigger (or one variant of it) over a period.' })
export class TriggerLift {
  @IdField('The trigger.') triggerId!: string;

  @StringField(
    'The trigger\'s channel: its definition\'s, else the one its sent firings in the period share ("" when they carry several), as triggerLatency and suppressionAudit name it.',
  )
  channel!: string;

  @StringField('The treatment variant (with groupBy VARIANT); null for the whole trigger.', {
    nullable: true,
  })
  variant!: string | null;

  @Field(() => ArmStats, { description: "Treated persons (all variants, or the row's variant)." })
  treatment!: ArmStats;

  @Field(() => ArmStats, { description: 'Control persons: holdout and global holdout.' })
  holdout!: ArmStats;

  @Field(() => Interval, {
    nullable: true,
    description:
      'Conversion rate difference treatment − control (a share: 0.0068 = +0.68 points); null when an arm is empty.',
  })
  absoluteLift!: Interval | null;

  @Field(() => Interval, {
    nullable: true,
    description:
      'Relative lift (treatment − control) / control, delta-method interval; null when the control rate is 0, or when no treated person converted while the control rate is between 0 and 1 (the delta method would print −100% with no width).',
  })
  relativeLift!: Interval | null;

  @FloatField('Two-sided p-value of the conversion lift.', { nullable: true })
  pValue!: number | null;

  @FloatField('Benjamini–Hochberg q-value across the rows of this report.', { nullable: true })
  qValue!: number | null;

  @Field(() => Interval, {
    nullable: true,
    description: 'Revenue per person difference treatment − control (Welch).',
  })
  revenueLift!: Interval | null;

  @Field(() => Interval, {
    nullable: true,
    description:
      'Relative revenue-per-person lift (treatment − control) / |control|, delta-method interval; null when the control mean is 0, or when every treated person has revenue 0 while the control revenue varies.',
  })
  revenueRelativeLift!: Interval | null;

  @FloatField('Two-sided p-value of the revenue-per-person difference.', { nullable: true })
  revenuePValue!: number | null;

  @Field(() => Interval, {
    nullable: true,
    description: 'Conversions caused: absolute lift × treated persons.',
  })
  incrementalConversions!: Interval | null;

  @Field(() => Interval, {
    nullable: true,
    description: 'Revenue caused: revenue-per-person lift × treated persons.',
  })
  incrementalRevenue!: Interval | null;

  @Field(() => SrmCheck, { description: 'Sample-ratio mismatch check.' }) srm!: SrmCheck;

  @IntField('Persons with firings in both arms, excluded from both.') contaminatedPersons!: number;

  @FloatField('Confidence level of the intervals.') confidence!: number;

  @StringField(
    'How the intervals were made: fixed, cuped, sequential, bayesian, or a combination (cuped+bayesian).',
  )
  method!: string;

  @FloatField(
    'The revenue cap every revenue figure of the row uses (revenueCap); null when uncapped or when no revenue is above 0.',
    { nullable: true },
  )
  revenueCapValue!: number | null;

  @FloatField('method BAYESIAN: P(relative lift > 0) under the posterior; null otherwise.', {
    nullable: true,
  })
  chanceToWin!: number | null;

  @Field(() => Risk, {
    nullable: true,
    description: 'method BAYESIAN: expected loss of keeping control and of shipping treatment.',
  })
  risk!: Risk | null;
  @IntField(
    'With sequential intervals, the planned persons (both arms) the confidence sequence was tuned for, fixed in advance per trigger (its planned_persons, else SEQUENTIAL_PLANNED_PERSONS); null otherwise.',
    { nullable: true },
  )
  plannedPersons!: number | null;

  @StringField('The result in plain words, including when not to trust it.') verdict!: string;
}
