import { Field, ObjectType } from '@nestjs/graphql';
import { Scope } from '../keys.js';
import { DateField, IdField } from '../../graphql-fields/index.js';

/** What a key grants: the tenant it acts for and its scopes, as minted and as listed. */
@ObjectType({ isAbstract: true })
export abstract class KeyGrant {
  @IdField('The tenant whose data the key reads and writes.') tenantId!: string;

  @Field(() => [Scope], { description: 'What the key may do.' }) scopes!: Scope[];
}

@ObjectType({
  description: 'An API key as listed: never its text, which is shown once at minting.',
})
export class ApiKeyInfo extends KeyGrant {
  @IdField('Public id of the key.') id!: string;

  @DateField('When the key was minted.') createdAt!: Date;

  @DateField('When the key stops working (set at minting, or by rotation); null: never.', {
    nullable: true,
  })
  expiresAt!: Date | null;

  @DateField('When the key was last presented, to within a minute; null: never used.', {
    nullable: true,
  })
  lastUsedAt!: Date | null;

  @DateField('When the key was revoked.', { nullable: true }) revokedAt!: Date | null;
}
