import { ArgsType, Field, Int } from '@nestjs/graphql';
import { AlertState } from '../alert-kind.js';

@ArgsType()
export class AlertsArgs {
  @Field(() => AlertState, { nullable: true, description: 'Only alerts in this state.' })
  state?: AlertState | null;

  @Field(() => Date, { nullable: true, description: 'Only alerts opened at or after this time.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only alerts opened before this time.' })
  to?: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Most alerts listed, newest first (default 100, at most 1000).',
  })
  limit?: number | null;
}

@ArgsType()
export class EvaluateAlertsArgs {
  @Field(() => Date, {
    nullable: true,
    description: 'Evaluate as of this time (default now): each rule reads the period before it.',
  })
  asOf?: Date | null;
}
