import { Field, InputType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';
import { StreamEnum, type StreamName } from '../../ingest/index.js';

@InputType({
  description:
    "A rule that turns a Segment track event, by its name, into a row of a stream (docs/design.md §11). The row gets the messageId as its id, the userId (else the anonymousId) as person_id, the event time by Segment's clock-skew rule, the event name as its type (unless `type` says otherwise) and, for signals, the properties; the options below set the rest.",
})
export class EventMappingInput {
  @Field({ description: 'The track event name, exactly as sent (e.g. "Order Completed").' })
  event!: string;

  @Field(() => StreamEnum, {
    description: 'The stream its rows go to: SIGNALS, OUTCOMES, EXPOSURES, FIRINGS or CONSENT.',
  })
  stream!: StreamName;

  @Field(() => String, {
    nullable: true,
    description:
      'The row\'s `type` (signals, outcomes, exposures), e.g. "purchase"; default: the event name (exposures need one of their types).',
  })
  type?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Outcomes: the property holding `value` (default "revenue", Segment\'s own).',
  })
  valueProperty?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Outcomes: the property holding `order_id` (default "order_id").',
  })
  orderIdProperty?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Outcomes: the property holding `currency` (default "currency").',
  })
  currencyProperty?: string | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'Any other field of the stream read from a property, as {"<field>": "<property name or dotted path>"}, e.g. {"firing_id": "campaign.firing_id"}.',
  })
  fieldProperties?: unknown;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'Any field of the stream given as a constant, as {"<field>": <value>}, e.g. {"purpose": "email", "granted": false}.',
  })
  fixedFields?: unknown;
}
