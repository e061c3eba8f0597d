import { Field, ObjectType } from '@nestjs/graphql';
import {
  BoolField,
  DateField,
  StringField,
  registerDocumentedEnum,
} from '../../../graphql-fields/index.js';

/** The classes a tenant may add outcome types to (docs/design.md §2). */
export enum GuardrailClass {
  OVERWHELM = 'overwhelm',
  REGRET = 'regret',
}

registerDocumentedEnum(
  GuardrailClass,
  'GuardrailClass',
  'A harm class that guardrails measure, and that a tenant may add outcome types to.',
  {
    OVERWHELM:
      'A person with an outcome of the class in (t0, t0 + C] was overwhelmed (guardrails, messagePressure, triggerTrend).',
    REGRET:
      'An outcome of the class within 30 days of a converting order, naming it, makes the order regretted (guardrails).',
  },
);

@ObjectType({
  description:
    'An outcome type of a harm class: built in (unsubscribe, complaint, opt_out, uninstall, dismiss; return, refund, chargeback) or added by the tenant.',
})
export class OutcomeType {
  @StringField('The outcome `type`, exactly as the outcomes stream carries it.') type!: string;

  @Field(() => GuardrailClass, { description: 'Its class.' }) outcomeClass!: GuardrailClass;

  @BoolField('True for a built-in type, which cannot be moved or removed.') builtIn!: boolean;

  @DateField('When the tenant added it (server time); null for a built-in type.', {
    nullable: true,
  })
  definedAt!: Date | null;
}
