import { ArgsType, Field } from '@nestjs/graphql';

@ArgsType()
export class PressureArgs {
  @Field({ description: 'Start of the period (inclusive), decision time of the measured firings.' })
  from!: Date;

  @Field({ description: 'End of the period (exclusive), decision time of the measured firings.' })
  to!: Date;
}
