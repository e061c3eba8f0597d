import { Field, ObjectType } from '@nestjs/graphql';
import {
  BoolField,
  DateField,
  FloatField,
  IntField,
  StringField,
} from '../../../graphql-fields/index.js';

@ObjectType({
  description:
    'One measured piece of evidence for the maturity stage: its value, the threshold it is judged by (MATURITY_THRESHOLDS), whether it passed, and why in one line.',
})
export class Evidence {
  @StringField(
    'What is measured: behavioral_firing_share, median_latency_within_window, within_window_rate:<channel>, holdout_coverage, suppression_failure_rate, consent_violations, predictive_firing_share, stale_predictive_inputs.',
  )
  name!: string;

  @IntField('The stage (2, 3 or 4) this evidence is needed for.') stage!: number;

  @FloatField('The measured value (a share 0-1, a rate or a count).') value!: number;

  @FloatField('The threshold the value is judged by.') threshold!: number;

  @StringField('"at least" or "at most": how value is compared with threshold.')
  comparison!: string;

  @BoolField('True when the value meets the threshold.') passed!: boolean;

  @StringField('The evidence in one line of plain words, with its numbers.') explanation!: string;
}

@ObjectType({
  description:
    "Where the tenant's personalization program stands (docs/design.md §3): 1 identity and schedules, 2 behavioral, 3 behavioral within windows across channels with holdouts and clean suppression and consent, 4 predictive signals on fresh inputs. Stages are cumulative: a stage is reached when its evidence and that of every stage below passes.",
})
export class MaturityAssessment {
  @DateField('Start of the period assessed (inclusive).') from!: Date;

  @DateField('End of the period assessed (exclusive).') to!: Date;

  @IntField('The stage reached, 1-4.') stage!: number;

  @StringField('The stage in words.') label!: string;

  @Field(() => [Evidence], {
    description: 'Every piece of evidence, by stage, each with its value and threshold.',
  })
  evidence!: Evidence[];

  @Field(() => [String], {
    description:
      'What to fix next, in plain words: the failing evidence of the next stage first, then of the stage after.',
  })
  nextSteps!: string[];
}
