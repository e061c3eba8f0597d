import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({
  description: 'Consent compliance of one trigger that needs a consent purpose.',
})
export class ConsentTriggerStats {
  @Field(() => ID, { description: 'The trigger.' })
  triggerId!: string;

  @Field({ description: "The trigger's consent_purpose." })
  purpose!: string;

  @Field(() => Int, { description: 'Sent treatment firings decided in the period.' })
  sentFirings!: number;

  @Field(() => Int, {
    description:
      'Of those, firings whose person had not granted the purpose at decided_at (revoked, or never granted by then).',
  })
  nonCompliant!: number;

  @Field(() => Float, { description: 'nonCompliant / sentFirings; 0 without sent firings.' })
  nonCompliantRate!: number;
}

@ObjectType({
  description:
    'Stale permission records of one source: how long after a consent change the source recorded it.',
})
export class ConsentSourceLag {
  @Field({ description: 'The source named by the consent events, "" when none was given.' })
  source!: string;

  @Field(() => Int, { description: 'Consent events of the source recorded in the period.' })
  events!: number;

  @Field(() => Float, {
    description: 'Median recorded_at − occurred_at in ms (exact, linearly interpolated).',
  })
  recordedLagP50Ms!: number;

  @Field(() => Float, { description: '90th percentile of recorded_at − occurred_at in ms.' })
  recordedLagP90Ms!: number;
}

@ObjectType({
  description:
    "Consent audit over the sent treatment firings decided in [from, to) of triggers with a consent_purpose. The consent state of (person, purpose) at t is `granted` of the person's latest consent event for the purpose with occurred_at ≤ t (at the same instant: the later recorded_at, then the larger event_id); no event means not granted.",
})
export class ConsentAudit {
  @Field(() => Int, {
    description: 'Sent treatment firings whose consent state at decided_at was not granted.',
  })
  nonCompliantActivations!: number;

  @Field(() => Int, {
    description:
      'Of those, the ones sent under a revocation in force (the person had said no); the rest were sent with no consent event for the purpose by then.',
  })
  revokedActivations!: number;

  @Field(() => Int, {
    description: 'Sent treatment firings of triggers with a consent purpose (the denominator).',
  })
  sentFirings!: number;

  @Field(() => [ConsentTriggerStats], {
    description: 'Every trigger with a consent purpose, by trigger id, fired in the period or not.',
  })
  byTrigger!: ConsentTriggerStats[];

  @Field(() => Float, {
    nullable: true,
    description:
      'Consent sync lag: median decided_at − occurred_at of the revocation in force, over the non-compliant activations whose state is a revocation (not those never granted); null when there is none.',
  })
  syncLagP50Ms!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: '90th percentile of the same sync lag; null when there is none.',
  })
  syncLagP90Ms!: number | null;

  @Field(() => [ConsentSourceLag], {
    description:
      'Per source, the recording lag (recorded_at − occurred_at) of consent events with recorded_at in the period, by source.',
  })
  bySource!: ConsentSourceLag[];
}
