import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';

@ObjectType({
  description:
    "The record of a person's erasure: when, and how many rows each table lost. It never holds the person's id, only a keyed hash of it.",
})
export class Erasure {
  @Field(() => ID, { description: 'Id of the erasure.' })
  id!: string;

  @Field({
    description:
      "HMAC-SHA-256 of tenant and person id, keyed by the server's pepper: it recognises the person sent again and cannot be reversed without the pepper.",
  })
  personIdHash!: string;

  @Field(() => GraphQLISODateTime, { description: 'When the erasure was asked for.' })
  requestedAt!: Date;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When every row was gone (before the answer).',
  })
  completedAt!: Date | null;

  @Field(() => GraphQLJSON, {
    description:
      'Rows deleted per table (signals, firings, exposures, outcomes, consent, rejected_events, segment_unmapped, assignment_sequences, assignment_firings, trend_facts), every stored version of a row counted.',
  })
  rowsDeleted!: Record<string, number>;
}
