import { ArgsType } from '@nestjs/graphql';
import { DateField } from '../../graphql-fields/index.js';

/** The period [from, to) of a lifecycle list; an end left out leaves it open on that side. */
@ArgsType()
export class OpenPeriodArgs {
  @DateField('Inclusive.', { nullable: true }) from?: Date | null;

  @DateField('Exclusive.', { nullable: true }) to?: Date | null;
}
