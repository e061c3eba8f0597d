import { Field, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';
import { StreamEnum, type StreamName } from '../../ingest/index.js';

@ObjectType({ description: 'A rule of the Segment endpoint: a track event name and its stream.' })
export class EventMapping {
  @Field({ description: 'The track event name it maps.' })
  event!: string;

  @Field(() => StreamEnum)
  stream!: StreamName;

  @Field(() => String, { nullable: true, description: 'The row type it sets, if not the name.' })
  type!: string | null;

  @Field(() => String, { nullable: true })
  valueProperty!: string | null;

  @Field(() => String, { nullable: true })
  orderIdProperty!: string | null;

  @Field(() => String, { nullable: true })
  currencyProperty!: string | null;

  @Field(() => GraphQLJSON, { description: 'Fields read from properties, by field name.' })
  fieldProperties!: Record<string, string>;

  @Field(() => GraphQLJSON, { description: 'Fields given as constants, by field name.' })
  fixedFields!: Record<string, unknown>;

  @Field({ description: 'When the rule was defined (server time).' })
  definedAt!: Date;
}

@ObjectType({
  description:
    'Segment messages kept because no rule mapped them, counted by type and name (each messageId once).',
})
export class UnmappedEvent {
  @Field({ description: 'track, identify, page, screen, group or alias.' })
  type!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The track event name, or the page or screen name; null when the call has none.',
  })
  event!: string | null;

  @Field(() => Int, { description: 'Messages kept.' })
  messages!: number;

  @Field({ description: 'When the first of them arrived.' })
  firstReceivedAt!: Date;

  @Field({ description: 'When the last of them arrived.' })
  lastReceivedAt!: Date;

  @Field({
    description:
      'True for a track event a rule maps now: these were kept before the rule was defined (mapKeptEvents maps them), and its messages sent from now on are mapped.',
  })
  mappedNow!: boolean;
}

@ObjectType({ description: 'What mapping the kept messages of an event did.' })
export class KeptEventsMapped {
  @Field({ description: 'The track event name.' })
  event!: string;

  @Field(() => Int, { description: 'Kept messages of the event handed to its stream now.' })
  messages!: number;

  @Field(() => Int, { description: 'Of those, rows the stream stored (each messageId once).' })
  mapped!: number;

  @Field(() => Int, {
    description: 'Of those, rows the stream refused, kept in rejectedRows with the reason.',
  })
  rejected!: number;
}
