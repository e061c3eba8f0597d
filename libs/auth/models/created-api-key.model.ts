import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Scope } from '../keys.js';

registerEnumType(Scope, {
  name: 'Scope',
  description: 'What an API key may do: INGEST sends data, READ queries it, ADMIN mints keys.',
});

@ObjectType({
  description: 'A newly minted API key. The key text is shown here once and never again.',
})
export class CreatedApiKey {
  @Field({ description: 'The key to send as `Authorization: Bearer <key>`. Store it now.' })
  key!: string;

  @Field(() => ID, { description: 'Public id of the key, used to revoke it.' })
  keyId!: string;

  @Field(() => ID, { description: 'The tenant whose data the key reads and writes.' })
  tenantId!: string;

  @Field(() => [Scope], { description: 'What the key may do.' })
  scopes!: Scope[];
}
