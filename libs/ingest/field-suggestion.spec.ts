import { describe, expect, it } from '@jest/globals';
import { nearestField } from './field-suggestion.js';
import { STREAM_DECLARATIONS } from './streams/index.js';

/** The ways a producer gets a field name wrong, each applied by hand to the right name. */
const TYPOS: Record<string, (name: string) => string> = {
  'a letter left out': (name) => name.slice(0, 1) + name.slice(2),
  'a letter doubled': (name) => name.slice(0, 2) + name.slice(1),
  'a letter changed': (name) => `${name.slice(0, -1)}${name.endsWith('x') ? 'y' : 'x'}`,
  'two neighbours swapped': (name) => name[1] + name[0] + name.slice(2),
  camelCase: (name) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
  PascalCase: (name) =>
    name.replace(/(^|_)([a-z])/g, (_, __: string, c: string) => c.toUpperCase()),
  'kebab-case': (name) => name.replace(/_/g, '-'),
  'UPPER CASE': (name) => name.toUpperCase(),
};

const CASES = Object.entries(STREAM_DECLARATIONS)
  .flatMap(
    ([stream, declaration]) =>
      Object.entries(declaration.fields)
        .filter(([, field]) => field.required)
        .flatMap(([name]) =>
          Object.entries(TYPOS).map(([typo, make]) => ({
            stream,
            name,
            typo,
            sent: make(name),
            known: Object.keys(declaration.fields),
          })),
        ),
    // A one-word name has no other case to be written in.
  )
  .filter(({ name, sent }) => sent !== name);

describe('nearestField', () => {
  it.each(CASES)('$stream: $sent ($typo) → $name', ({ name, sent, known }) => {
    expect(nearestField(sent, known)).toBe(name);
  });

  it('finds a field whose name has a word left out', () => {
    const firings = Object.keys(STREAM_DECLARATIONS.firings.fields);
    expect(nearestField('signal_id', firings)).toBe('signal_event_id');
    expect(nearestField('refund_order_id', Object.keys(STREAM_DECLARATIONS.outcomes.fields))).toBe(
      'refund_of_order_id',
    );
  });

  it('suggests nothing when no field is close', () => {
    const signals = Object.keys(STREAM_DECLARATIONS.signals.fields);
    for (const sent of ['tenant_id', 'sdk.context', 'user_agent', 'x', 'campaign']) {
      expect(nearestField(sent, signals)).toBeNull();
    }
  });

  it('takes no other word for a typo: short names, and a word replaced by another', () => {
    // each pair is two words, not a slip: following the suggestion would store a session's id
    // as the person, an arrival as the decision
    const fields = (stream: keyof typeof STREAM_DECLARATIONS) =>
      Object.keys(STREAM_DECLARATIONS[stream].fields);
    const sent: [keyof typeof STREAM_DECLARATIONS, string][] = [
      ['signals', 'id'],
      ['signals', 'time'],
      ['firings', 'sessionId'],
      ['outcomes', 'session_id'],
      ['consent', 'sessionId'],
      ['triggers', 'session'],
      ['triggers', 'time'],
      ['triggers', 'date'],
      ['firings', 'received_at'],
      ['consent', 'received_at'],
    ];
    expect(sent.map(([stream, name]) => [name, nearestField(name, fields(stream))])).toEqual(
      sent.map(([, name]) => [name, null]),
    );
    // while a slip in each of two words, or two in a long one, is still read
    expect(nearestField('persn_ud', fields('firings'))).toBe('person_id');
    expect(nearestField('ocurred_at', fields('signals'))).toBe('occurred_at');
    expect(nearestField('occuredat', fields('signals'))).toBe('occurred_at');
  });
});
