// The words an erasure reads in a line to find the person's firing ids (rejected lines in the
// store, the lines of queued jobs): written out by hand for lines as producers send them.

import { describe, expect, it } from '@jest/globals';
import { wordsOf } from './erased-persons.js';

describe('the words of a line', () => {
  it('are its tokens, its JSON strings decoded (whole and by token), and its members’ numbers', () => {
    expect(wordsOf(String.raw`{"firing_id":"f-7\/\u00fc x","n":123,"m": -4.5}`)).toEqual([
      // tokens as sent: letters, digits, _.:@- and any character beyond ASCII
      'firing_id',
      ':',
      'f-7',
      'u00fc',
      'x',
      'n',
      ':123',
      'm',
      ':',
      '-4.5',
      // JSON strings, decoded: whole, then by token
      'firing_id',
      'firing_id',
      'f-7/ü x',
      'f-7',
      'ü',
      'x',
      'n',
      'n',
      'm',
      'm',
      // numbers that are a member's value
      '123',
      '-4.5',
    ]);
  });

  it('has words in a line that is not JSON, or cut short', () => {
    expect(wordsOf('firing f-8 opened twice')).toEqual(['firing', 'f-8', 'opened', 'twice']);
    expect(wordsOf('{"firing_id":"f-9","ty')).toEqual([
      'firing_id',
      ':',
      'f-9',
      'ty',
      'firing_id',
      'firing_id',
      'f-9',
      'f-9',
    ]);
  });
});
