import { Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import { TriggerStatus } from './trigger-status.enum.js';

@InputType({ description: 'A frequency cap: at most `max` sends per `perMs` milliseconds.' })
export class FrequencyCapInput {
  @Field(() => Int, { description: 'Most sends of the trigger to one person per period.' })
  max!: number;

  @Field(() => Float, { description: 'Length of the period in ms (a positive integer).' })
  perMs!: number;
}

@InputType({ description: 'Suppression of persons who just converted.' })
export class SuppressionInput {
  @Field(() => Float, {
    nullable: true,
    description:
      'Do not target a person with a success outcome of the trigger in this many ms before the decision.',
  })
  convertedLookbackMs?: number | null;
}

@InputType({
  description:
    'One complete version of a trigger definition, with the fields of the `triggers` stream (docs/design.md §2) in camelCase. A draft may lack any of the six definitions; `live` is refused until none is missing. Nothing is inherited from earlier versions.',
})
export class TriggerInput {
  @Field(() => ID, { description: 'Stable id of the trigger.' })
  triggerId!: string;

  @Field({ description: 'Human name.' })
  name!: string;

  @Field({ description: 'Channel it acts on: web, push, email, sms, in_app, paid, ...' })
  channel!: string;

  @Field(() => Int, {
    nullable: true,
    description:
      'Version to store (1 or more). Omitted: one more than the highest stored version of the trigger (1 for a new trigger). Giving an existing version replaces it.',
  })
  version?: number | null;

  @Field(() => [String], { nullable: true, description: 'Signal types that arm it.' })
  signalTypes?: string[] | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Relevance window in ms: how long the signal is worth acting on.',
  })
  windowMs?: number | null;

  @Field(() => [String], { nullable: true, description: 'Outcome types that count as success.' })
  successTypes?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'Surface within the channel (placement, template).',
  })
  surface?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Audience definition (a segment name or rule).',
  })
  audience?: string | null;

  @Field(() => Float, { nullable: true, description: 'Declared holdout share, 0-1.' })
  holdoutPct?: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Persons (both arms) the holdout test is planned to reach; sequential intervals are tuned for it, fixed in advance (absent: SEQUENTIAL_PLANNED_PERSONS).',
  })
  plannedPersons?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Conversion window C in ms (default 7 days).',
  })
  conversionWindowMs?: number | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Outcome types watched as harm (unsubscribe, complaint, return, ...).',
  })
  guardrailTypes?: string[] | null;

  @Field(() => FrequencyCapInput, { nullable: true, description: 'Frequency cap per person.' })
  frequencyCap?: FrequencyCapInput | null;

  @Field(() => SuppressionInput, {
    nullable: true,
    description: 'Suppression of persons who just converted.',
  })
  suppression?: SuppressionInput | null;

  @Field(() => String, {
    nullable: true,
    description: 'Consent purpose a person must have granted.',
  })
  consentPurpose?: string | null;

  @Field(() => TriggerStatus, {
    nullable: true,
    description: 'draft (default), live (only when ready) or paused.',
  })
  status?: TriggerStatus | null;
}
