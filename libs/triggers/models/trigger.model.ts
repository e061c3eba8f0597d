import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'One version of a trigger definition with its readiness.' })
export class Trigger {
  @Field(() => ID, { description: 'Stable id of the trigger.' })
  triggerId!: string;

  @Field(() => Int, { description: 'Version of the definition shown.' })
  version!: number;

  @Field({ description: 'Human name.' })
  name!: string;

  @Field({ description: 'Channel it acts on: web, push, email, sms, in_app, paid, ...' })
  channel!: string;

  @Field({ description: 'Surface within the channel (placement, template), "" when undefined.' })
  surface!: string;

  @Field({ description: 'Audience definition, "" when undefined.' })
  audience!: string;

  @Field(() => [String], { description: 'Signal types that arm it.' })
  signalTypes!: string[];

  @Field(() => Float, {
    nullable: true,
    description: 'Relevance window in ms: how long the signal is worth acting on.',
  })
  windowMs!: number | null;

  @Field(() => [String], { description: 'Outcome types that count as its success.' })
  successTypes!: string[];

  @Field(() => Float, { description: 'Conversion window C in ms (default 7 days).' })
  conversionWindowMs!: number;

  @Field(() => [String], { description: 'Outcome types watched as harm.' })
  guardrailTypes!: string[];

  @Field(() => Float, { nullable: true, description: 'Declared holdout share, 0-1.' })
  holdoutPct!: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Persons (both arms) the holdout test is planned to reach; sequential intervals are tuned for it (null: SEQUENTIAL_PLANNED_PERSONS).',
  })
  plannedPersons!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Frequency cap: most sends per person per frequencyCapPerMs; null when none.',
  })
  frequencyCapMax!: number | null;

  @Field(() => Float, { nullable: true, description: 'Period of the frequency cap in ms.' })
  frequencyCapPerMs!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Suppression lookback in ms: no sends to persons with a success this recently; null when undefined.',
  })
  convertedLookbackMs!: number | null;

  @Field({ description: 'Consent purpose it needs, "" when none.' })
  consentPurpose!: string;

  @Field({ description: 'draft, live or paused.' })
  status!: string;

  @Field({ description: 'True when all six definitions are present.' })
  ready!: boolean;

  @Field(() => [String], {
    description:
      'Definitions it lacks, of: signal, audience, surface, window, suppression, success.',
  })
  missing!: string[];
}
