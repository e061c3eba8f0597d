import { ArgsType } from '@nestjs/graphql';
import { DateField } from '../../../graphql-fields/index.js';

@ArgsType()
export class ConsentAuditArgs {
  @DateField(
    'Start of the period (inclusive): decision time of the audited firings, recording time of the consent events.',
  )
  from!: Date;

  @DateField('End of the period (exclusive).') to!: Date;
}
