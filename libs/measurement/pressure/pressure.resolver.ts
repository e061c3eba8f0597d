import { Args, Resolver } from '@nestjs/graphql';
import { CurrentTenant } from '../../auth/index.js';
import { MeasureQuery } from '../common/measure-query.js';
import { PressureArgs } from './dto/pressure.args.js';
import { PressureReport } from './models/pressure.model.js';
import { PressureService } from './pressure.service.js';

@Resolver(() => PressureReport)
export class PressureResolver {
  constructor(private readonly pressure: PressureService) {}

  @MeasureQuery(() => PressureReport, {
    description:
      "Message pressure over the sent treatment firings decided in [from, to): how many sent firings each person had in the 24 h and 7 days before each one, its distribution, the share above the trigger's cap, and the dose-response curve (overwhelm within 7 days by pressure bucket).",
  })
  messagePressure(
    @CurrentTenant() tenantId: string,
    @Args() args: PressureArgs,
  ): Promise<PressureReport> {
    return this.pressure.report(tenantId, args);
  }
}
