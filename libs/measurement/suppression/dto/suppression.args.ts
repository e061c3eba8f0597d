import { ArgsType, Field, ID } from '@nestjs/graphql';

@ArgsType()
export class SuppressionArgs {
  @Field({ description: 'Start of the period (inclusive), decision time of the audited firings.' })
  from!: Date;

  @Field({ description: 'End of the period (exclusive), decision time of the audited firings.' })
  to!: Date;

  @Field(() => [ID], { nullable: true, description: 'Only these triggers (default: all).' })
  triggerIds?: string[] | null;
}
