import { ObjectType } from '@nestjs/graphql';
import { DateField, IntField, StringField } from '../../graphql-fields/index.js';

@ObjectType({
  description:
    'An id stored with more than one content by separate requests (or imports): the same id sent for different things. It counts once in every measure, and the latest delivery is the one measured. (Copies inside one request are answered in its `conflicts`; the first is the one stored.)',
})
export class IdConflict {
  @StringField('The stream the id was sent to.') stream!: string;

  @StringField(
    'The id (event_id, firing_id, outcome_id; a derived id for exposures and consent sent without one).',
  )
  id!: string;

  @IntField(
    'Distinct contents it was stored with (2 or more; retries that differ only in sent_at are one content).',
  )
  contents!: number;

  @IntField('Copies of it stored, every content together (one per request that carried it).')
  copies!: number;

  @DateField('When its first copy arrived (server time).') firstReceivedAt!: Date;

  @DateField('When its latest copy arrived (server time): that copy is the one measured.')
  lastReceivedAt!: Date;
}
