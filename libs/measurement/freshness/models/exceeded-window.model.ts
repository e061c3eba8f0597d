import { ObjectType } from '@nestjs/graphql';
import { FloatField, IdField } from '../../../graphql-fields/index.js';

@ObjectType({ description: 'A trigger whose window a signal type arrives too old for.' })
export class ExceededWindow {
  @IdField('The trigger (newest definition).') triggerId!: string;

  @FloatField('Its window_ms: how long the signal is worth acting on.') windowMs!: number;
}
