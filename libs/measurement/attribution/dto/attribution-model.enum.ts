import { registerDocumentedEnum } from '../../../graphql-fields/index.js';

/** How the credit of one success outcome is spread over the touches that reach it. */
export enum AttributionModel {
  LAST_TOUCH = 'last_touch',
  FIRST_TOUCH = 'first_touch',
  LINEAR = 'linear',
  TIME_DECAY = 'time_decay',
}

registerDocumentedEnum(
  AttributionModel,
  'AttributionModel',
  'How the credit of one success outcome is spread over the sent treatment firings of the person within the conversion window before it. Every model distributes the same total.',
  {
    LAST_TOUCH: 'All credit to the latest touch.',
    FIRST_TOUCH: 'All credit to the earliest touch.',
    LINEAR: 'Equal credit to every touch.',
    TIME_DECAY:
      'Credit proportional to 2^(−age / halfLifeMs), age = outcome time − decided_at of the touch.',
  },
);
