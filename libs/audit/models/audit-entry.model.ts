import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';

@ObjectType({ description: 'One admin action, as the append-only audit log keeps it.' })
export class AuditEntry {
  @Field(() => GraphQLISODateTime, { description: 'When the action was taken.' })
  at!: Date;

  @Field(() => ID, {
    nullable: true,
    description: 'Public id of the key that acted; null for the command line on the store itself.',
  })
  actorKeyId!: string | null;

  @Field({
    description:
      'What was done: key.minted, key.rotated, key.revoked, person.erased, backup.taken, ...',
  })
  action!: string;

  @Field(() => String, {
    nullable: true,
    description: "What it was done to: a key id, an erasure id, a directory (never a person's id).",
  })
  target!: string | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Details: scopes, expiry, rows deleted per table, bytes written.',
  })
  detail!: Record<string, unknown> | null;
}
