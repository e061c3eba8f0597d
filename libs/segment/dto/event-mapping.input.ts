import { Field, InputType } from '@nestjs/graphql';
import { StreamEnum, type StreamName } from '../../ingest/index.js';
import { JsonField, StringField } from '../../graphql-fields/index.js';

@InputType({
  description:
    "A rule that turns a Segment track event, by its name, into a row of a stream (docs/design.md §11). The row gets the messageId as its id, the userId (else the anonymousId) as person_id, the event time by Segment's clock-skew rule, the event name as its type (unless `type` says otherwise) and, for signals, the properties; the options below set the rest.",
})
export class EventMappingInput {
  @StringField('The track event name, exactly as sent (e.g. "Order Completed").') event!: string;

  @Field(() => StreamEnum, {
    description: 'The stream its rows go to: SIGNALS, OUTCOMES, EXPOSURES, FIRINGS or CONSENT.',
  })
  stream!: StreamName;

  @StringField(
    'The row\'s `type` (signals, outcomes, exposures), e.g. "purchase"; default: the event name (exposures need one of their types).',
    { nullable: true },
  )
  type?: string | null;

  @StringField('Outcomes: the property holding `value` (default "revenue", Segment\'s own).', {
    nullable: true,
  })
  valueProperty?: string | null;

  @StringField('Outcomes: the property holding `order_id` (default "order_id").', {
    nullable: true,
  })
  orderIdProperty?: string | null;

  @StringField('Outcomes: the property holding `currency` (default "currency").', {
    nullable: true,
  })
  currencyProperty?: string | null;

  @JsonField(
    'Any other field of the stream read from a property, as {"<field>": "<property name or dotted path>"}, e.g. {"firing_id": "campaign.firing_id"}.',
    { nullable: true },
  )
  fieldProperties?: unknown;

  @JsonField(
    'Any field of the stream given as a constant, as {"<field>": <value>}, e.g. {"purpose": "email", "granted": false}.',
    { nullable: true },
  )
  fixedFields?: unknown;
}
