import { Field, ObjectType } from '@nestjs/graphql';
import { Scope } from '../keys.js';
import { DateField, IdField } from '../../graphql-fields/index.js';

@ObjectType({
  description: 'An API key as listed: never its text, which is shown once at minting.',
})
export class ApiKeyInfo {
  @IdField('Public id of the key.') id!: string;

  @IdField('The tenant whose data the key reads and writes.') tenantId!: string;

  @Field(() => [Scope], { description: 'What the key may do.' }) scopes!: Scope[];

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
