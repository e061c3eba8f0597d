import { Field, InputType } from '@nestjs/graphql';
import { TriggerStatus } from './trigger-status.enum.js';
import { TriggerIdentity } from '../models/trigger.model.js';
import { FloatField, IntField, StringField } from '../../graphql-fields/index.js';

@InputType({ description: 'A frequency cap: at most `max` sends per `perMs` milliseconds.' })
export class FrequencyCapInput {
  @IntField('Most sends of the trigger to one person per period.') max!: number;

  @FloatField('Length of the period in ms (a positive integer).') perMs!: number;
}

@InputType({ description: 'Suppression of persons who just converted.' })
export class SuppressionInput {
  @FloatField(
    'Do not target a person with a success outcome of the trigger in this many ms before the decision.',
    { nullable: true },
  )
  convertedLookbackMs?: number | null;
}

@InputType({
  description:
    'One complete version of a trigger definition, with the fields of the `triggers` stream (docs/design.md §2) in camelCase. A draft may lack any of the six definitions; `live` is refused until none is missing. Nothing is inherited from earlier versions.',
})
export class TriggerInput extends TriggerIdentity {
  @IntField(
    'Version to store (1 or more). Omitted: one more than the highest stored version of the trigger (1 for a new trigger). Giving an existing version replaces it.',
    { nullable: true },
  )
  version?: number | null;

  @Field(() => [String], { nullable: true, description: 'Signal types that arm it.' })
  signalTypes?: string[] | null;

  @FloatField('Relevance window in ms: how long the signal is worth acting on.', { nullable: true })
  windowMs?: number | null;

  @Field(() => [String], { nullable: true, description: 'Outcome types that count as success.' })
  successTypes?: string[] | null;

  @StringField('Surface within the channel (placement, template).', { nullable: true })
  surface?: string | null;

  @StringField('Audience definition (a segment name or rule).', { nullable: true })
  audience?: string | null;

  @FloatField('Declared holdout share, 0-1.', { nullable: true }) holdoutPct?: number | null;

  @IntField(
    'Persons (both arms) the holdout test is planned to reach; sequential intervals are tuned for it, fixed in advance (absent: SEQUENTIAL_PLANNED_PERSONS).',
    { nullable: true },
  )
  plannedPersons?: number | null;

  @FloatField('Conversion window C in ms (default 7 days).', { nullable: true })
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

  @StringField('Consent purpose a person must have granted.', { nullable: true })
  consentPurpose?: string | null;

  @Field(() => TriggerStatus, {
    nullable: true,
    description: 'draft (default), live (only when ready) or paused.',
  })
  status?: TriggerStatus | null;
}
