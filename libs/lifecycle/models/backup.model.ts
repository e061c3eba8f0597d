import { ObjectType } from '@nestjs/graphql';
import { DateField, FloatField, IdField, StringField } from '../../graphql-fields/index.js';

@ObjectType({ description: 'A backup of the whole store taken by the engine (BACKUP DATABASE).' })
export class Backup {
  @IdField("The engine's id of the backup.") id!: string;

  @StringField('The directory it was written to, on the machine that serves.') to!: string;

  @DateField('When the backup started.') startedAt!: Date;

  @DateField('When it was whole (before the answer).', { nullable: true })
  completedAt!: Date | null;

  @FloatField('Bytes the engine wrote (an incremental backup writes only new parts).')
  bytes!: number;
}
