import { Field, ObjectType } from '@nestjs/graphql';
import { Interval } from '../../lift/models/lift.model.js';
import { BoolField, FloatField, IntField } from '../../../graphql-fields/index.js';

@ObjectType({
  description:
    'One step of a conversion curve: the persons observed for at least sinceMs after their first firing, and the share of them converted by then.',
})
export class CurvePoint {
  @FloatField('Time since the first firing (t0), ms.') sinceMs!: number;

  @IntField('Treated persons observed for sinceMs (t0 + sinceMs ≤ horizon).')
  treatmentPersons!: number;

  @IntField('Control persons observed for sinceMs.') holdoutPersons!: number;

  @IntField('Of the treated persons, those with a success in (t0, t0 + sinceMs].')
  treatmentConversions!: number;

  @IntField('Of the control persons, those with a success in (t0, t0 + sinceMs].')
  holdoutConversions!: number;

  @FloatField('treatmentConversions / treatmentPersons; 0 when none.') treatmentRate!: number;

  @FloatField('holdoutConversions / holdoutPersons; 0 when none.') holdoutRate!: number;

  @Field(() => Interval, {
    nullable: true,
    description: 'treatmentRate − holdoutRate with its 95% interval; null when an arm is empty.',
  })
  absoluteLift!: Interval | null;

  @BoolField('True at the last step, d = C (the conversion window).') isConversionWindow!: boolean;
}
