import { Field, ObjectType } from '@nestjs/graphql';
import { AlertKind, AlertState } from '../alert-kind.js';
import { DateField, IdField, JsonField, StringField } from '../../../graphql-fields/index.js';

@ObjectType({
  description: 'A condition an alert rule found; one open alert per (kind, trigger or stream).',
})
export class Alert {
  @IdField('The alert id (al_…).') id!: string;

  @Field(() => AlertKind, { description: 'Which rule found it.' }) kind!: AlertKind;

  @IdField('The trigger; null for REJECTED_ROWS and DIGEST_NOT_SENT (see subject).', {
    nullable: true,
  })
  triggerId!: string | null;

  @StringField(
    'What it is about: the trigger id, the stream for REJECTED_ROWS, or "digest" for DIGEST_NOT_SENT.',
  )
  subject!: string;

  @Field(() => AlertState, { description: 'OPEN while evaluations find it, then RESOLVED.' })
  state!: AlertState;

  @DateField('When an evaluation first found it.') openedAt!: Date;

  @DateField('When an evaluation no longer found it.', { nullable: true }) resolvedAt!: Date | null;

  @StringField('One sentence a person reads.') summary!: string;

  @JsonField('The measures behind it, as the rule read them when it opened.') evidence!: unknown;
}
