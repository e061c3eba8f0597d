import { Field, InputType, ObjectType } from '@nestjs/graphql';
import {
  BoolField,
  FloatField,
  IdField,
  IntField,
  StringField,
} from '../../graphql-fields/index.js';

/** What names a trigger and where it acts, alike in a definition sent and one read back. */
@ObjectType({ isAbstract: true })
@InputType({ isAbstract: true })
export abstract class TriggerIdentity {
  @IdField('Stable id of the trigger.') triggerId!: string;

  @StringField('Human name.') name!: string;

  @StringField('Channel it acts on: web, push, email, sms, in_app, paid, ...') channel!: string;
}

@ObjectType({ description: 'One version of a trigger definition with its readiness.' })
export class Trigger extends TriggerIdentity {
  @IntField('Version of the definition shown.') version!: number;

  @StringField('Surface within the channel (placement, template), "" when undefined.')
  surface!: string;

  @StringField('Audience definition, "" when undefined.') audience!: string;

  @Field(() => [String], { description: 'Signal types that arm it.' }) signalTypes!: string[];

  @FloatField('Relevance window in ms: how long the signal is worth acting on.', { nullable: true })
  windowMs!: number | null;

  @Field(() => [String], { description: 'Outcome types that count as its success.' })
  successTypes!: string[];

  @FloatField('Conversion window C in ms (default 7 days).') conversionWindowMs!: number;

  @Field(() => [String], { description: 'Outcome types watched as harm.' })
  guardrailTypes!: string[];

  @FloatField('Declared holdout share, 0-1.', { nullable: true }) holdoutPct!: number | null;

  @IntField(
    'Persons (both arms) the holdout test is planned to reach; sequential intervals are tuned for it (null: SEQUENTIAL_PLANNED_PERSONS).',
    { nullable: true },
  )
  plannedPersons!: number | null;

  @IntField('Frequency cap: most sends per person per frequencyCapPerMs; null when none.', {
    nullable: true,
  })
  frequencyCapMax!: number | null;

  @FloatField('Period of the frequency cap in ms.', { nullable: true })
  frequencyCapPerMs!: number | null;

  @FloatField(
    'Suppression lookback in ms: no sends to persons with a success this recently; null when undefined.',
    { nullable: true },
  )
  convertedLookbackMs!: number | null;

  @StringField('Consent purpose it needs, "" when none.') consentPurpose!: string;

  @StringField('draft, live or paused.') status!: string;

  @BoolField('True when all six definitions are present.') ready!: boolean;

  @Field(() => [String], {
    description:
      'Definitions it lacks, of: signal, audience, surface, window, suppression, success.',
  })
  missing!: string[];
}
