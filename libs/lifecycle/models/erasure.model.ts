import { ObjectType } from '@nestjs/graphql';
import { DateField, IdField, JsonField, StringField } from '../../graphql-fields/index.js';

@ObjectType({
  description:
    "The record of a person's erasure: when, and how many rows each table lost. It never holds the person's id, only a keyed hash of it.",
})
export class Erasure {
  @IdField('Id of the erasure.') id!: string;

  @StringField(
    "HMAC-SHA-256 of tenant and person id, keyed by the server's pepper: it recognises the person sent again and cannot be reversed without the pepper.",
  )
  personIdHash!: string;

  @DateField('When the erasure was asked for.') requestedAt!: Date;

  @DateField('When every row was gone (before the answer).', { nullable: true })
  completedAt!: Date | null;

  @JsonField(
    'Rows deleted per table (signals, firings, exposures, outcomes, consent, rejected_events, segment_unmapped, assignment_sequences, assignment_firings, trend_facts), every stored version of a row counted.',
  )
  rowsDeleted!: Record<string, number>;
}
