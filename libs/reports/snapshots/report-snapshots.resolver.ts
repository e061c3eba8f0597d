import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';
import { RequireScope, Scope, CurrentTenant } from '../../auth/index.js';
import { CreateReportSnapshotArgs } from './dto/create-report-snapshot.args.js';
import { ReportSnapshotsArgs } from './dto/report-snapshots.args.js';
import { ReportSnapshot } from './models/report-snapshot.model.js';
import type { SnapshotSummary, StoredSnapshot } from './report-snapshots.repository.js';
import { ReportSnapshotsService } from './report-snapshots.service.js';

/** A snapshot as the API shows it; the payload is loaded once, when a payload field is asked. */
type SnapshotNode = ReportSnapshot & { stored?: Promise<StoredSnapshot> };

function toNode(snapshot: SnapshotSummary | StoredSnapshot): SnapshotNode {
  const node: SnapshotNode = {
    id: snapshot.snapshotId,
    from: snapshot.from,
    to: snapshot.to,
    createdAt: snapshot.createdAt,
    kind: snapshot.kind,
    url: `/reports/snapshots/${encodeURIComponent(snapshot.snapshotId)}`,
    tenantId: snapshot.tenantId,
  };
  if ('html' in snapshot) {
    node.stored = Promise.resolve(snapshot);
  }
  return node;
}

@RequireScope(Scope.READ)
@Resolver(() => ReportSnapshot)
export class ReportSnapshotsResolver {
  constructor(private readonly snapshots: ReportSnapshotsService) {}

  @Mutation(() => ReportSnapshot, {
    description:
      'Takes a snapshot of the lift report over [from, to) now (READ scope): renders it and stores it with its measures, immutable. Weekly snapshots are taken by the schedule.',
  })
  async createReportSnapshot(
    @CurrentTenant() tenantId: string,
    @Args() args: CreateReportSnapshotArgs,
  ): Promise<ReportSnapshot> {
    const options =
      args.revenueCap === undefined || args.revenueCap === null
        ? {}
        : { revenueCap: args.revenueCap };
    return toNode(await this.snapshots.create(tenantId, args.from, args.to, options));
  }

  @Query(() => [ReportSnapshot], {
    description: "The tenant's report snapshots, newest first (READ scope).",
  })
  async reportSnapshots(
    @CurrentTenant() tenantId: string,
    @Args() args: ReportSnapshotsArgs,
  ): Promise<ReportSnapshot[]> {
    const list = await this.snapshots.list(tenantId, args);
    return list.map(toNode);
  }

  @Query(() => ReportSnapshot, {
    description: 'One report snapshot of the tenant (READ scope); an error when there is none.',
  })
  async reportSnapshot(
    @CurrentTenant() tenantId: string,
    @Args('id', { type: () => ID, description: 'The snapshot id (rs_…).' }) id: string,
  ): Promise<ReportSnapshot> {
    return toNode(await this.snapshots.get(tenantId, id));
  }

  @ResolveField(() => GraphQLJSON, {
    description:
      'The measures the report shows, as the GraphQL API returned them when the snapshot was taken: lift, guardrails, latency, pressure, suppression, consent, triggers.',
  })
  async measures(@Parent() node: SnapshotNode): Promise<unknown> {
    return JSON.parse((await this.stored(node)).measures) as unknown;
  }

  @ResolveField(() => String, { description: 'The stored HTML report.' })
  async html(@Parent() node: SnapshotNode): Promise<string> {
    return (await this.stored(node)).html;
  }

  private stored(node: SnapshotNode): Promise<StoredSnapshot> {
    node.stored ??= this.snapshots.get(node.tenantId, node.id);
    return node.stored;
  }
}
