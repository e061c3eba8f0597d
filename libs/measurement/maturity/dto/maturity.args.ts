import { ArgsType } from '@nestjs/graphql';
import { DateField } from '../../../graphql-fields/index.js';

@ArgsType()
export class MaturityArgs {
  @DateField('Start of the period assessed (inclusive), event time.') from!: Date;

  @DateField('End of the period assessed (exclusive).') to!: Date;
}
