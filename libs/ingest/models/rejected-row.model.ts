import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({
  description: 'An input line that failed validation, kept with its raw text for repair.',
})
export class RejectedRow {
  @Field({ description: 'Stream the line was sent to.' })
  stream!: string;

  @Field({ description: 'Id of the request that carried it.' })
  requestId!: string;

  @Field(() => Int, { description: '1-based line number within that request.' })
  line!: number;

  @Field({ description: 'The field that failed, or "(line)".' })
  field!: string;

  @Field({ description: 'Why it was rejected.' })
  reason!: string;

  @Field({ description: 'The line as it was received.' })
  raw!: string;

  @Field({ description: 'When it arrived (server time).' })
  receivedAt!: Date;
}

@ObjectType({ description: 'Rows stored for one stream, each id counted once.' })
export class StreamCount {
  @Field({ description: 'The stream.' })
  stream!: string;

  @Field(() => Int, { description: 'Distinct rows stored (re-deliveries of an id count once).' })
  rows!: number;
}
