import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { Interval } from '../../lift/models/lift.model.js';

@ObjectType({
  description:
    'One step of a conversion curve: the persons observed for at least sinceMs after their first firing, and the share of them converted by then.',
})
export class CurvePoint {
  @Field(() => Float, { description: 'Time since the first firing (t0), ms.' })
  sinceMs!: number;

  @Field(() => Int, {
    description: 'Treated persons observed for sinceMs (t0 + sinceMs ≤ horizon).',
  })
  treatmentPersons!: number;

  @Field(() => Int, { description: 'Control persons observed for sinceMs.' })
  holdoutPersons!: number;

  @Field(() => Int, {
    description: 'Of the treated persons, those with a success in (t0, t0 + sinceMs].',
  })
  treatmentConversions!: number;

  @Field(() => Int, {
    description: 'Of the control persons, those with a success in (t0, t0 + sinceMs].',
  })
  holdoutConversions!: number;

  @Field(() => Float, { description: 'treatmentConversions / treatmentPersons; 0 when none.' })
  treatmentRate!: number;

  @Field(() => Float, { description: 'holdoutConversions / holdoutPersons; 0 when none.' })
  holdoutRate!: number;

  @Field(() => Interval, {
    nullable: true,
    description: 'treatmentRate − holdoutRate with its 95% interval; null when an arm is empty.',
  })
  absoluteLift!: Interval | null;

  @Field(() => Boolean, { description: 'True at the last step, d = C (the conversion window).' })
  isConversionWindow!: boolean;
}
