import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Scope } from '../keys.js';

registerEnumType(Scope, {
  name: 'Scope',
  description:
    'What an API key may do: INGEST sends data, READ queries it, ERASE erases persons, ADMIN mints keys and takes backups.',
});

@ObjectType({
  description: 'A newly minted API key. The key text is shown here once and never again.',
})
export class CreatedApiKey {
  @Field({ description: 'The key to send as `Authorization: Bearer <key>`. Store it now.' })
  key!: string;

  @Field(() => ID, { description: 'Public id of the key, used to revoke or rotate it.' })
  keyId!: string;

  @Field(() => ID, { description: 'The same public id as keyId (docs/design.md §10 names it id).' })
  id!: string;

  @Field(() => ID, { description: 'The tenant whose data the key reads and writes.' })
  tenantId!: string;

  @Field(() => [Scope], { description: 'What the key may do.' })
  scopes!: Scope[];

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the key stops working; null when it never expires.',
  })
  expiresAt!: Date | null;
}
