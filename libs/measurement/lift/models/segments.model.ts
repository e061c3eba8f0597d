import { Field, ObjectType } from '@nestjs/graphql';
import { ArmStats, Interval } from './lift.model.js';
import {
  BoolField,
  FloatField,
  IdField,
  IntField,
  StringField,
} from '../../../graphql-fields/index.js';

@ObjectType({ description: 'Holdout lift of the persons of one segment.' })
export class SegmentLift {
  @StringField(
    'The value on the persons\u2019 assignment firings; (none) when absent, (other) for the pooled rest.',
  )
  segment!: string;

  @Field(() => ArmStats, { description: 'Treated persons of the segment.' }) treatment!: ArmStats;

  @Field(() => ArmStats, { description: 'Control persons of the segment.' }) holdout!: ArmStats;

  @Field(() => Interval, { nullable: true, description: 'Conversion rate difference.' })
  absoluteLift!: Interval | null;

  @Field(() => Interval, { nullable: true, description: 'Relative lift.' })
  relativeLift!: Interval | null;

  @Field(() => Interval, {
    nullable: true,
    description:
      'The conversion rate difference shrunk by empirical Bayes toward the typical segment: the posterior under a normal prior learnt from the segments of this answer (mean of their differences, spread beyond their standard errors), with its credible interval at the confidence level. null with fewer than 3 segments that have a standard error, or for a segment without one.',
  })
  shrunkLift!: Interval | null;

  @FloatField('Two-sided p-value of the conversion lift.', { nullable: true })
  pValue!: number | null;

  @FloatField('Benjamini–Hochberg q-value across the segments of this answer.', { nullable: true })
  qValue!: number | null;

  @StringField('The result in plain words.') verdict!: string;
}

@ObjectType({ description: "Cochran's Q test: do the segments respond differently?" })
export class Heterogeneity {
  @FloatField('Q = Σ w(θ − θ̄)², w = 1/se².') q!: number;

  @IntField('Segments that entered (se defined and > 0) minus 1.') df!: number;

  @FloatField('P(χ²_df > Q).') pValue!: number;

  @BoolField('p < 0.05: the segments respond differently.') flagged!: boolean;
}

@ObjectType({ description: "A trigger's holdout lift per segment." })
export class SegmentedLift {
  @IdField('The trigger.') triggerId!: string;

  @StringField('channel, surface, variant, or property:<name>.') by!: string;

  @Field(() => [SegmentLift], { description: 'Largest segments first.' }) segments!: SegmentLift[];

  @Field(() => Heterogeneity, {
    nullable: true,
    description: 'null when fewer than 2 segments have a standard error.',
  })
  heterogeneity!: Heterogeneity | null;
}
