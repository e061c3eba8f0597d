import { Field, ObjectType } from '@nestjs/graphql';
import { FloatField, IntField, StringField } from '../../../graphql-fields/index.js';

@ObjectType({
  description:
    'One bucket of the dose-response curve: the sent firings whose 7-day pressure falls in the bucket and how many were followed by an overwhelm outcome.',
})
export class PressureBucket {
  @StringField("7-day pressure range: '1', '2-3', '4-6' or '7+'.") bucket!: string;

  @IntField('Sent treatment firings in the period with this pressure.') firings!: number;

  @IntField(
    'Of those, firings whose person had an overwhelm outcome (unsubscribe, complaint, opt_out, uninstall, dismiss, or a type the tenant added to the class) within 7 days after the decision: (decided_at, decided_at + 7 d].',
  )
  overwhelmed!: number;

  @FloatField('overwhelmed / firings; 0 when the bucket is empty.') overwhelmRate!: number;
}

@ObjectType({
  description:
    'How many sent firings had exactly this pressure, in each window (a histogram of the pressure values).',
})
export class PressureLevel {
  @IntField('Pressure value (1 = the firing alone).') pressure!: number;

  @IntField('Firings whose 7-day pressure equals `pressure`.') firingsLast7d!: number;

  @IntField('Firings whose 24-hour pressure equals `pressure`.') firingsLast24h!: number;
}

@ObjectType({
  description:
    'Message pressure over the sent treatment firings decided in [from, to). The pressure of a firing at t is 1 (itself) plus the sent treatment firings, of any trigger, its person got in [t − 24 h, t) (resp. [t − 7 d, t)); firings at the same instant do not count.',
})
export class PressureReport {
  @IntField('Sent treatment firings decided in the period.') firings!: number;

  @IntField(
    "Of those, firings beyond their own trigger's frequency_cap {max, per_ms}: the person already had at least max sent firings of that trigger in (decided_at − per_ms, decided_at). The same rule as suppressionAudit's capBreaches.",
  )
  aboveCap!: number;

  @FloatField('aboveCap / firings; 0 without firings.') aboveCapRate!: number;

  @FloatField(
    'Median 7-day pressure (exact, linearly interpolated between ranks); 0 without firings.',
  )
  p50Last7d!: number;

  @FloatField('90th percentile of 7-day pressure; 0 without firings.') p90Last7d!: number;

  @FloatField('Median 24-hour pressure; 0 without firings.') p50Last24h!: number;

  @FloatField('90th percentile of 24-hour pressure; 0 without firings.') p90Last24h!: number;

  @Field(() => [PressureLevel], {
    description: 'Histogram of pressure values, ascending; values no firing had are left out.',
  })
  distribution!: PressureLevel[];

  @Field(() => [PressureBucket], {
    description:
      "Dose-response curve: overwhelm rate by 7-day pressure bucket, always the four buckets '1', '2-3', '4-6', '7+' in that order.",
  })
  doseResponse!: PressureBucket[];
}
