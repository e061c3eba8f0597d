import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({
  description:
    "A build of the tenant's trend facts: triggerTrend reads them while the tenant's data is unchanged since the build started.",
})
export class TrendFactsBuildResult {
  @Field(() => Int, { description: 'Sent treatment firings in the build.' })
  firings!: number;

  @Field(() => Float, { description: "The tenant's data version the build is valid at." })
  version!: number;

  @Field(() => Float, { description: 'Seconds the build took.' })
  seconds!: number;
}
