import { ObjectType } from '@nestjs/graphql';
import { FloatField, IntField } from '../../../graphql-fields/index.js';

@ObjectType({
  description:
    "A build of the tenant's trend facts: triggerTrend reads them while the tenant's data is unchanged since the build started.",
})
export class TrendFactsBuildResult {
  @IntField('Sent treatment firings in the build.') firings!: number;

  @FloatField("The tenant's data version the build is valid at.") version!: number;

  @FloatField('Seconds the build took.') seconds!: number;
}
