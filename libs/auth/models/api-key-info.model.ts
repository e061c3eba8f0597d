import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { Scope } from '../keys.js';

@ObjectType({
  description: 'An API key as listed: never its text, which is shown once at minting.',
})
export class ApiKeyInfo {
  @Field(() => ID, { description: 'Public id of the key.' })
  id!: string;

  @Field(() => ID, { description: 'The tenant whose data the key reads and writes.' })
  tenantId!: string;

  @Field(() => [Scope], { description: 'What the key may do.' })
  scopes!: Scope[];

  @Field(() => GraphQLISODateTime, { description: 'When the key was minted.' })
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the key stops working (set at minting, or by rotation); null: never.',
  })
  expiresAt!: Date | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the key was last presented, to within a minute; null: never used.',
  })
  lastUsedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the key was revoked.' })
  revokedAt!: Date | null;
}
