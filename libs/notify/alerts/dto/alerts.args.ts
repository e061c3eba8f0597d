import { ArgsType, Field } from '@nestjs/graphql';
import { AlertState } from '../alert-kind.js';
import { DateField, IntField } from '../../../graphql-fields/index.js';

@ArgsType()
export class AlertsArgs {
  @Field(() => AlertState, { nullable: true, description: 'Only alerts in this state.' })
  state?: AlertState | null;

  @DateField('Only alerts opened at or after this time.', { nullable: true }) from?: Date | null;

  @DateField('Only alerts opened before this time.', { nullable: true }) to?: Date | null;

  @IntField('Most alerts listed, newest first (default 100, at most 1000).', { nullable: true })
  limit?: number | null;
}

@ArgsType()
export class EvaluateAlertsArgs {
  @DateField('Evaluate as of this time (default now): each rule reads the period before it.', {
    nullable: true,
  })
  asOf?: Date | null;
}
