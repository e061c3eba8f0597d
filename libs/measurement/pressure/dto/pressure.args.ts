import { ArgsType } from '@nestjs/graphql';
import { DateField } from '../../../graphql-fields/index.js';

@ArgsType()
export class PressureArgs {
  @DateField('Start of the period (inclusive), decision time of the measured firings.') from!: Date;

  @DateField('End of the period (exclusive), decision time of the measured firings.') to!: Date;
}
