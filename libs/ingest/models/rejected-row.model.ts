import { ObjectType } from '@nestjs/graphql';
import { DateField, IntField, StringField } from '../../graphql-fields/index.js';

@ObjectType({
  description:
    'An input line that failed validation, kept with its raw text for repair. A line refused again (the same text in the same stream for the same reason, wherever it stood; a Segment message by its messageId) is one, as its first copy.',
})
export class RejectedRow {
  @StringField(
    'Stream the line was sent to; `segment` for a Segment message no rule maps, refused before any stream took it.',
  )
  stream!: string;

  @StringField('Id of the request that carried it (its first copy).') requestId!: string;

  @IntField('1-based line number within that request.') line!: number;

  @StringField('The field that failed, or "(line)".') field!: string;

  @StringField('Why it was rejected.') reason!: string;

  @StringField('The line as it was received (its first copy).') raw!: string;

  @DateField('When it arrived (server time; its first copy).') receivedAt!: Date;
}

@ObjectType({ description: 'Rows stored for one stream, each id counted once.' })
export class StreamCount {
  @StringField('The stream.') stream!: string;

  @IntField('Distinct rows stored (re-deliveries of an id count once).') rows!: number;
}
