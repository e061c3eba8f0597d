import { Field, ID, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';
import { AlertKind, AlertState } from '../alert-kind.js';

@ObjectType({
  description: 'A condition an alert rule found; one open alert per (kind, trigger or stream).',
})
export class Alert {
  @Field(() => ID, { description: 'The alert id (al_…).' })
  id!: string;

  @Field(() => AlertKind, { description: 'Which rule found it.' })
  kind!: AlertKind;

  @Field(() => ID, {
    nullable: true,
    description: 'The trigger; null for REJECTED_ROWS (see subject).',
  })
  triggerId!: string | null;

  @Field({ description: 'What it is about: the trigger id, or the stream for REJECTED_ROWS.' })
  subject!: string;

  @Field(() => AlertState, { description: 'OPEN while evaluations find it, then RESOLVED.' })
  state!: AlertState;

  @Field({ description: 'When an evaluation first found it.' })
  openedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When an evaluation no longer found it.' })
  resolvedAt!: Date | null;

  @Field({ description: 'One sentence a person reads.' })
  summary!: string;

  @Field(() => GraphQLJSON, {
    description: 'The measures behind it, as the rule read them when it opened.',
  })
  evidence!: unknown;
}
