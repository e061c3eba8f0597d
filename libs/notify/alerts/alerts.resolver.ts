import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { RequireScope, Scope, CurrentTenant } from '../../auth/index.js';
import type { StoredAlert } from './alerts.repository.js';
import { AlertsService } from './alerts.service.js';
import { AlertsArgs, EvaluateAlertsArgs } from './dto/alerts.args.js';
import { Alert } from './models/alert.model.js';

function toModel(alert: StoredAlert): Alert {
  return {
    id: alert.alertId,
    kind: alert.kind,
    triggerId: alert.triggerId,
    subject: alert.subject,
    state: alert.state,
    openedAt: alert.openedAt,
    resolvedAt: alert.resolvedAt,
    summary: alert.summary,
    evidence: JSON.parse(alert.evidence) as unknown,
  };
}

@RequireScope(Scope.READ)
@Resolver(() => Alert)
export class AlertsResolver {
  constructor(private readonly alerts: AlertsService) {}

  @Query(() => [Alert], {
    name: 'alerts',
    description: "The tenant's alerts, newest first (READ scope).",
  })
  async listAlerts(@CurrentTenant() tenantId: string, @Args() args: AlertsArgs): Promise<Alert[]> {
    return (await this.alerts.list(tenantId, args)).map(toModel);
  }

  @Mutation(() => [Alert], {
    description:
      'Evaluates the alert rules now or as of a time (READ scope): opens what is newly found, resolves what is no longer found, tells the webhooks. Answers the alerts open after it and those it resolved.',
  })
  async evaluateAlerts(
    @CurrentTenant() tenantId: string,
    @Args() args: EvaluateAlertsArgs,
  ): Promise<Alert[]> {
    const evaluation = await this.alerts.evaluate(tenantId, args.asOf ?? new Date());
    return [...evaluation.open, ...evaluation.resolved].map(toModel);
  }
}
