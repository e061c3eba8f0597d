import { ObjectType } from '@nestjs/graphql';
import { DateField, IdField, JsonField, StringField } from '../../graphql-fields/index.js';

@ObjectType({ description: 'One admin action, as the append-only audit log keeps it.' })
export class AuditEntry {
  @DateField('When the action was taken.') at!: Date;

  @IdField('Public id of the key that acted; null for the command line on the store itself.', {
    nullable: true,
  })
  actorKeyId!: string | null;

  @StringField(
    'What was done: key.minted, key.rotated, key.revoked, person.erased, backup.taken, ...',
  )
  action!: string;

  @StringField("What it was done to: a key id, an erasure id, a directory (never a person's id).", {
    nullable: true,
  })
  target!: string | null;

  @JsonField('Details: scopes, expiry, rows deleted per table, bytes written.', { nullable: true })
  detail!: Record<string, unknown> | null;
}
