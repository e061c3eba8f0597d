import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { Interval } from './lift.model.js';

@ObjectType({ description: 'What the current split can detect, and what it would take.' })
export class HoldoutPlan {
  @Field(() => ID)
  triggerId!: string;

  @Field(() => Float, { description: "p: the control's conversion rate over the period." })
  baselineRate!: number;

  @Field(() => Float, { description: 'Assigned persons (both arms) per day of the period.' })
  personsPerDay!: number;

  @Field(() => Float, { description: 'h: the observed holdout share of assigned persons.' })
  holdoutShare!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Smallest relative lift the persons already seen detect at the given power and alpha.',
  })
  currentMde!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Days at the current rate and split to detect relativeMde.',
  })
  daysToDetect!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Smallest holdout share (≤ 0.5) detecting relativeMde within 28 days; null when even 0.5 cannot.',
  })
  requiredHoldoutShareIn28Days!: number | null;
}

@ObjectType({ description: 'One cell of two triggers’ arms among the persons assigned to both.' })
export class InteractionCell {
  @Field({ description: "A's arm: treatment or control." })
  armA!: string;

  @Field({ description: "B's arm: treatment or control." })
  armB!: string;

  @Field(() => Int)
  persons!: number;

  @Field(() => Int, { description: "Persons converting by A's success types in A's window." })
  conversions!: number;

  @Field(() => Float, { description: 'conversions / persons (0 when empty).' })
  rate!: number;
}

@ObjectType({ description: 'How trigger A’s lift changes when trigger B also acts.' })
export class TriggerInteraction {
  @Field(() => ID)
  triggerA!: string;

  @Field(() => ID)
  triggerB!: string;

  @Field(() => Int, { description: 'Persons assigned to both, contaminated in neither.' })
  overlapPersons!: number;

  @Field(() => [InteractionCell], { description: 'TT, TC, CT, CC (A first).' })
  cells!: InteractionCell[];

  @Field(() => Float, {
    nullable: true,
    description:
      'Chi-square test of independence of the two assignments (1 df); small: a shared holdout.',
  })
  assignmentPValue!: number | null;

  @Field(() => Interval, {
    nullable: true,
    description: '(p_TT − p_CT) − (p_TC − p_CC); null when a cell is empty.',
  })
  interaction!: Interval | null;

  @Field({ description: 'The result in plain words.' })
  verdict!: string;
}
