import { ArgsType, Field, ID } from '@nestjs/graphql';
import { DateField } from '../../../graphql-fields/index.js';

@ArgsType()
export class SuppressionArgs {
  @DateField('Start of the period (inclusive), decision time of the audited firings.') from!: Date;

  @DateField('End of the period (exclusive), decision time of the audited firings.') to!: Date;

  @Field(() => [ID], { nullable: true, description: 'Only these triggers (default: all).' })
  triggerIds?: string[] | null;
}
