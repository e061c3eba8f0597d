import { Field, Float, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A backup of the whole store taken by the engine (BACKUP DATABASE).' })
export class Backup {
  @Field(() => ID, { description: "The engine's id of the backup." })
  id!: string;

  @Field({ description: 'The directory it was written to, on the machine that serves.' })
  to!: string;

  @Field(() => GraphQLISODateTime, { description: 'When the backup started.' })
  startedAt!: Date;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When it was whole (before the answer).',
  })
  completedAt!: Date | null;

  @Field(() => Float, {
    description: 'Bytes the engine wrote (an incremental backup writes only new parts).',
  })
  bytes!: number;
}
