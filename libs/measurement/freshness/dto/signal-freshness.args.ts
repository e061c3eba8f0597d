import { ArgsType } from '@nestjs/graphql';
import { DateField } from '../../../graphql-fields/index.js';

@ArgsType()
export class SignalFreshnessArgs {
  @DateField('Start of the period (inclusive), on occurred_at of the signals.') from!: Date;

  @DateField('End of the period (exclusive).') to!: Date;
}
