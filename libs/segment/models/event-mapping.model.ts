import { Field, ObjectType } from '@nestjs/graphql';
import { StreamEnum, type StreamName } from '../../ingest/index.js';
import {
  BoolField,
  DateField,
  IntField,
  JsonField,
  StringField,
} from '../../graphql-fields/index.js';

@ObjectType({ description: 'A rule of the Segment endpoint: a track event name and its stream.' })
export class EventMapping {
  @StringField('The track event name it maps.') event!: string;

  @Field(() => StreamEnum, { description: 'The stream its rows go to.' }) stream!: StreamName;

  @StringField('The row type it sets, if not the name.', { nullable: true }) type!: string | null;

  @StringField('Outcomes: the property holding `value`; null: the default ("revenue").', {
    nullable: true,
  })
  valueProperty!: string | null;

  @StringField('Outcomes: the property holding `order_id`; null: the default ("order_id").', {
    nullable: true,
  })
  orderIdProperty!: string | null;

  @StringField('Outcomes: the property holding `currency`; null: the default ("currency").', {
    nullable: true,
  })
  currencyProperty!: string | null;

  @JsonField('Fields read from properties, by field name.')
  fieldProperties!: Record<string, string>;

  @JsonField('Fields given as constants, by field name.') fixedFields!: Record<string, unknown>;

  @DateField('When the rule was defined (server time).') definedAt!: Date;
}

@ObjectType({
  description:
    'Segment messages kept because no rule mapped them, counted by type and name (each messageId once).',
})
export class UnmappedEvent {
  @StringField('track, identify, page, screen, group or alias.') type!: string;

  @StringField('The track event name, or the page or screen name; null when the call has none.', {
    nullable: true,
  })
  event!: string | null;

  @IntField('Messages kept.') messages!: number;

  @DateField('When the first of them arrived.') firstReceivedAt!: Date;

  @DateField('When the last of them arrived.') lastReceivedAt!: Date;

  @BoolField(
    'True for a track event a rule maps now: these were kept before the rule was defined (mapKeptEvents maps them), and its messages sent from now on are mapped.',
  )
  mappedNow!: boolean;
}

@ObjectType({ description: 'What mapping the kept messages of an event did.' })
export class KeptEventsMapped {
  @StringField('The track event name.') event!: string;

  @IntField('Kept messages of the event handed to its stream now.') messages!: number;

  @IntField('Of those, rows the stream stored (each messageId once).') mapped!: number;

  @IntField('Of those, rows the stream refused, kept in rejectedRows with the reason.')
  rejected!: number;
}
