import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Why one input line was rejected.' })
export class RowErrorModel {
  @Field(() => Int, {
    description: '1-based line number in the request body (array index + 1 for JSON arrays).',
  })
  line!: number;

  @Field({ description: 'The field that failed, or "(line)" when the whole line is unreadable.' })
  field!: string;

  @Field({ description: 'What is wrong, in words.' })
  message!: string;
}

@ObjectType('IgnoredField', {
  description: 'A field that lines of a request carried and their stream does not know.',
})
export class IgnoredFieldModel {
  @Field({ description: 'The field as sent; it was ignored.' })
  field!: string;

  @Field(() => Int, { description: 'How many lines of the request carried it.' })
  lines!: number;

  @Field(() => String, {
    nullable: true,
    description: "The stream's field it most likely means (e.g. signal_event_id for signal_id).",
  })
  suggestion!: string | null;
}

@ObjectType('IngestResult', { description: 'What happened to each line of an ingest request.' })
export class IngestResultModel {
  @Field(() => Int, {
    description: 'Lines stored (or durably queued); always lines sent minus rejected.',
  })
  accepted!: number;

  @Field(() => Int, {
    description: 'Lines refused; each is listed in errors and kept in rejectedRows.',
  })
  rejected!: number;

  @Field(() => Int, {
    description: 'Accepted lines that repeated an id already seen in this request; counted once.',
  })
  duplicates!: number;

  @Field(() => [RowErrorModel], { description: 'One entry per rejected line.' })
  errors!: RowErrorModel[];

  @Field(() => [IgnoredFieldModel], {
    description:
      'Fields the stream does not know, ignored: nothing sent is dropped without a word.',
  })
  ignoredFields!: IgnoredFieldModel[];
}
