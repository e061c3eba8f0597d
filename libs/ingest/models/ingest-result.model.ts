import { Field, ObjectType } from '@nestjs/graphql';
import { IntField, StringField } from '../../graphql-fields/index.js';

@ObjectType({ description: 'Why one input line was rejected.' })
export class RowErrorModel {
  @IntField('1-based line number in the request body (array index + 1 for JSON arrays).')
  line!: number;

  @StringField('The field that failed, or "(line)" when the whole line is unreadable.')
  field!: string;

  @StringField('What is wrong, in words.') message!: string;
}

@ObjectType('IgnoredField', {
  description: 'A field that lines of a request carried and their stream does not know.',
})
export class IgnoredFieldModel {
  @StringField('The field as sent; it was ignored.') field!: string;

  @IntField('How many lines of the request carried it.') lines!: number;

  @StringField("The stream's field it most likely means (e.g. signal_event_id for signal_id).", {
    nullable: true,
  })
  suggestion!: string | null;
}

@ObjectType('IngestResult', { description: 'What happened to each line of an ingest request.' })
export class IngestResultModel {
  @IntField('Lines stored (or durably queued); always lines sent minus rejected.')
  accepted!: number;

  @IntField('Lines refused; each is listed in errors and kept in rejectedRows.') rejected!: number;

  @IntField('Accepted lines that repeated an id already seen in this request; counted once.')
  duplicates!: number;

  @IntField(
    'Of those duplicates, the ones whose content differed from the first copy of their id in this request, which is the one kept: the same id sent for two different things.',
  )
  conflicts!: number;

  @Field(() => [RowErrorModel], { description: 'One entry per rejected line.' })
  errors!: RowErrorModel[];

  @Field(() => [IgnoredFieldModel], {
    description:
      'Fields the stream does not know, ignored: nothing sent is dropped without a word.',
  })
  ignoredFields!: IgnoredFieldModel[];
}
