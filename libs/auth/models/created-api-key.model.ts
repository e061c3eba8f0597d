import { ObjectType } from '@nestjs/graphql';
import { Scope } from '../keys.js';
import { KeyGrant } from './api-key-info.model.js';
import {
  DateField,
  IdField,
  StringField,
  registerDocumentedEnum,
} from '../../graphql-fields/index.js';

registerDocumentedEnum(
  Scope,
  'Scope',
  'What an API key may do: INGEST sends data, READ queries it, ERASE erases persons, ADMIN mints keys and takes backups.',
  {
    INGEST: 'Sends rows to the streams and defines triggers and event mappings.',
    READ: 'Asks the measures, reports, alerts, webhooks, share links and digests.',
    ERASE: "Erases a person's data and lists the erasures.",
    ADMIN: 'Mints and revokes keys, reads the audit log, takes backups.',
  },
);

@ObjectType({
  description: 'A newly minted API key. The key text is shown here once and never again.',
})
export class CreatedApiKey extends KeyGrant {
  @StringField('The key to send as `Authorization: Bearer <key>`. Store it now.') key!: string;

  @IdField('Public id of the key, used to revoke or rotate it.') keyId!: string;

  @IdField('The same public id as keyId (docs/design.md §10 names it id).') id!: string;

  @DateField('When the key stops working; null when it never expires.', { nullable: true })
  expiresAt!: Date | null;
}
