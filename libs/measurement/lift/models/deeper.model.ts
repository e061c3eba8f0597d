import { Field, ObjectType } from '@nestjs/graphql';
import { Interval } from './lift.model.js';
import { FloatField, IdField, IntField, StringField } from '../../../graphql-fields/index.js';

@ObjectType({ description: 'What the current split can detect, and what it would take.' })
export class HoldoutPlan {
  @IdField('The trigger.') triggerId!: string;

  @FloatField("p: the control's conversion rate over the period.") baselineRate!: number;

  @FloatField('Assigned persons (both arms) per day of the period.') personsPerDay!: number;

  @FloatField('h: the observed holdout share of assigned persons.') holdoutShare!: number;

  @FloatField(
    'Smallest relative lift the persons already seen detect at the given power and alpha.',
    { nullable: true },
  )
  currentMde!: number | null;

  @FloatField('Days at the current rate and split to detect relativeMde.', { nullable: true })
  daysToDetect!: number | null;

  @FloatField(
    'Smallest holdout share (≤ 0.5) detecting relativeMde within 28 days; null when even 0.5 cannot.',
    { nullable: true },
  )
  requiredHoldoutShareIn28Days!: number | null;
}

@ObjectType({ description: 'One cell of two triggers’ arms among the persons assigned to both.' })
export class InteractionCell {
  @StringField("A's arm: treatment or control.") armA!: string;

  @StringField("B's arm: treatment or control.") armB!: string;

  @IntField('Persons assigned to both, in these two arms.') persons!: number;

  @IntField("Persons converting by A's success types in A's window.") conversions!: number;

  @FloatField('conversions / persons (0 when empty).') rate!: number;
}

@ObjectType({ description: 'How trigger A’s lift changes when trigger B also acts.' })
export class TriggerInteraction {
  @IdField('The trigger whose lift is read.') triggerA!: string;

  @IdField('The trigger that also acts on some of its persons.') triggerB!: string;

  @IntField('Persons assigned to both, contaminated in neither.') overlapPersons!: number;

  @Field(() => [InteractionCell], { description: 'TT, TC, CT, CC (A first).' })
  cells!: InteractionCell[];

  @FloatField(
    'Chi-square test of independence of the two assignments (1 df); small: a shared holdout.',
    { nullable: true },
  )
  assignmentPValue!: number | null;

  @Field(() => Interval, {
    nullable: true,
    description: '(p_TT − p_CT) − (p_TC − p_CC); null when a cell is empty.',
  })
  interaction!: Interval | null;

  @StringField('The result in plain words.') verdict!: string;
}
