import { Args, Resolver } from '@nestjs/graphql';
import { CurrentTenant } from '../../auth/index.js';
import { MeasureQuery } from '../common/measure-query.js';
import { MaturityArgs } from './dto/maturity.args.js';
import { MaturityService } from './maturity.service.js';
import { MaturityAssessment } from './models/maturity-assessment.model.js';

@Resolver(() => MaturityAssessment)
export class MaturityResolver {
  constructor(private readonly maturityService: MaturityService) {}

  @MeasureQuery(() => MaturityAssessment, {
    description:
      "The program's maturity stage (1-4) over [from, to) from measured evidence, each piece with its value, threshold, pass or fail and a one-line explanation, and the next steps in plain words (READ scope).",
  })
  maturity(
    @CurrentTenant() tenantId: string,
    @Args() { from, to }: MaturityArgs,
  ): Promise<MaturityAssessment> {
    return this.maturityService.assess(tenantId, from, to);
  }
}
