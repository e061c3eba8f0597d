import { registerEnumType } from '@nestjs/graphql';

/** Lifecycle of a trigger definition (`triggers.status`). */
export enum TriggerStatus {
  DRAFT = 'draft',
  LIVE = 'live',
  PAUSED = 'paused',
}

registerEnumType(TriggerStatus, {
  name: 'TriggerStatus',
  description: 'Lifecycle of a trigger.',
  valuesMap: {
    DRAFT: { description: 'Being written: may lack any of the six definitions.' },
    LIVE: { description: 'Acting on signals: only a ready trigger (all six definitions) may be.' },
    PAUSED: { description: 'Defined but not acting for now.' },
  },
});
