import { registerDocumentedEnum } from '../../graphql-fields/index.js';

/** Lifecycle of a trigger definition (`triggers.status`). */
export enum TriggerStatus {
  DRAFT = 'draft',
  LIVE = 'live',
  PAUSED = 'paused',
}

registerDocumentedEnum(TriggerStatus, 'TriggerStatus', 'Lifecycle of a trigger.', {
  DRAFT: 'Being written: may lack any of the six definitions.',
  LIVE: 'Acting on signals: only a ready trigger (all six definitions) may be.',
  PAUSED: 'Defined but not acting for now.',
});
