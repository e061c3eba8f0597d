import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import {
  isEnumType,
  isObjectType,
  printType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { LatencyResolver } from './latency.resolver.js';

async function buildSchema(): Promise<GraphQLSchema> {
  const moduleRef = await Test.createTestingModule({
    imports: [GraphQLSchemaBuilderModule],
  }).compile();
  return moduleRef.get(GraphQLSchemaFactory).create([LatencyResolver]);
}

/** Names of the type, fields, arguments and enum values that lack a description. */
function undocumented(type: GraphQLNamedType): string[] {
  const missing = type.description ? [] : [type.name];
  if (isObjectType(type)) {
    for (const field of Object.values(type.getFields())) {
      if (!field.description) {
        missing.push(`${type.name}.${field.name}`);
      }
      for (const arg of field.args) {
        if (!arg.description) {
          missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
  }
  if (isEnumType(type)) {
    for (const value of type.getValues()) {
      if (!value.description) {
        missing.push(`${type.name}.${value.name}`);
      }
    }
  }
  return missing;
}

describe('LatencyResolver schema', () => {
  it('exposes triggerLatency with the DESIGN signature, every part described', async () => {
    const schema = await buildSchema();
    const query = schema.getQueryType()!;
    const field = query.getFields().triggerLatency;
    expect(field.type.toString()).toBe('[LatencyStats!]!');
    expect(field.args.map((a) => `${a.name}: ${a.type.toString()}`)).toEqual([
      'from: DateTime!',
      'to: DateTime!',
      'triggerIds: [ID!]',
      'groupBy: [LatencyDimension!]',
    ]);
    expect(field.description).toBeTruthy();
    const named = ['LatencyStats', 'LatencyDimension'].map((name) => schema.getType(name)!);
    expect(named.flatMap(undocumented)).toEqual([]);
    expect(printType(schema.getType('LatencyDimension')!)).toContain('CHANNEL');
    const stats = schema.getType('LatencyStats');
    expect(isObjectType(stats) && Object.keys(stats.getFields()).sort()).toEqual(
      [
        'triggerId',
        'channel',
        'day',
        'firings',
        'noSignalTime',
        'p50Ms',
        'p90Ms',
        'p95Ms',
        'p99Ms',
        'maxMs',
        'signalToDecisionP50Ms',
        'decisionToDeliveryP50Ms',
        'windowMs',
        'withinWindowRate',
        'expired',
      ].sort(),
    );
  });
});
