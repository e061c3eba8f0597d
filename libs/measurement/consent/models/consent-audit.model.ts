import { Field, ObjectType } from '@nestjs/graphql';
import { FloatField, IdField, IntField, StringField } from '../../../graphql-fields/index.js';

@ObjectType({
  description: 'Consent compliance of one trigger that needs a consent purpose.',
})
export class ConsentTriggerStats {
  @IdField('The trigger.') triggerId!: string;

  @StringField("The trigger's consent_purpose.") purpose!: string;

  @IntField('Sent treatment firings decided in the period.') sentFirings!: number;

  @IntField(
    'Of those, firings whose person had not granted the purpose at decided_at (revoked, or never granted by then).',
  )
  nonCompliant!: number;

  @FloatField('nonCompliant / sentFirings; 0 without sent firings.') nonCompliantRate!: number;
}

@ObjectType({
  description:
    'Stale permission records of one source: how long after a consent change the source recorded it.',
})
export class ConsentSourceLag {
  @StringField('The source named by the consent events, "" when none was given.') source!: string;

  @IntField('Consent events of the source recorded in the period.') events!: number;

  @FloatField('Median recorded_at − occurred_at in ms (exact, linearly interpolated).')
  recordedLagP50Ms!: number;

  @FloatField('90th percentile of recorded_at − occurred_at in ms.') recordedLagP90Ms!: number;
}

@ObjectType({
  description:
    "Consent audit over the sent treatment firings decided in [from, to) of triggers with a consent_purpose. The consent state of (person, purpose) at t is `granted` of the person's latest consent event for the purpose with occurred_at ≤ t (at the same instant: the later recorded_at, then the larger event_id); no event means not granted.",
})
export class ConsentAudit {
  @IntField('Sent treatment firings whose consent state at decided_at was not granted.')
  nonCompliantActivations!: number;

  @IntField(
    'Of those, the ones sent under a revocation in force (the person had said no); the rest were sent with no consent event for the purpose by then.',
  )
  revokedActivations!: number;

  @IntField('Sent treatment firings of triggers with a consent purpose (the denominator).')
  sentFirings!: number;

  @Field(() => [ConsentTriggerStats], {
    description: 'Every trigger with a consent purpose, by trigger id, fired in the period or not.',
  })
  byTrigger!: ConsentTriggerStats[];

  @FloatField(
    'Consent sync lag: median decided_at − occurred_at of the revocation in force, over the non-compliant activations whose state is a revocation (not those never granted); null when there is none.',
    { nullable: true },
  )
  syncLagP50Ms!: number | null;

  @FloatField('90th percentile of the same sync lag; null when there is none.', { nullable: true })
  syncLagP90Ms!: number | null;

  @Field(() => [ConsentSourceLag], {
    description:
      'Per source, the recording lag (recorded_at − occurred_at) of consent events with recorded_at in the period, by source.',
  })
  bySource!: ConsentSourceLag[];
}
