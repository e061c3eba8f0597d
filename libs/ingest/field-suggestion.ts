import leven from 'leven';

// A field a stream does not know is ignored, and the answer says so with the nearest field the
// stream does know (docs/design.md §12). Producers get a name wrong in three ways, tried in this order:
// spelling the same words otherwise (`firingId`, `Person-ID`), leaving a word out (`signal_id`
// for `signal_event_id`), and mistyping (`occured_at`, `persn_id`).

/** The words of a field name: `signalEventId`, `Signal-Event-ID` and `signal_event_id` alike. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/**
 * Whether `a` is `b` with two neighbouring letters swapped (`ytpe` for `type`): one slip of the
 * fingers, which Levenshtein's distance (leven, no transpositions) counts as two edits.
 */
function oneSwapApart(a: string, b: string): boolean {
  if (a.length !== b.length) {
    return false;
  }
  const differ = [...a].flatMap((letter, i) => (letter === b[i] ? [] : [i]));
  return (
    differ.length === 2 &&
    differ[1] === differ[0] + 1 &&
    a[differ[0]] === b[differ[1]] &&
    a[differ[1]] === b[differ[0]]
  );
}

/**
 * Whether `sent` reads as a mistyping of `known`: one edit (or one swap of neighbours), two when
 * both are 9 letters or more. Measured against the shorter of the two, so that a short name is
 * not "near" whatever is two letters from it (`id` and `kind`, `time` and `type`, `session` and
 * `version` are other words, not typos).
 */
function mistyped(sent: string, known: string): boolean {
  const tolerated = Math.min(sent.length, known.length) >= 9 ? 2 : 1;
  const distance = leven(sent, known);
  return distance <= tolerated || (distance === 2 && oneSwapApart(sent, known));
}

/**
 * Whether the words `sent` are the field `known` mistyped: word by word when they have as many
 * words (a whole word is never another: `sessionId` is not `person_id`, nor `received_at`
 * `decided_at`), else as one name (`occuredat` for `occurred_at`).
 */
function mistypedField(words: readonly string[], known: string): boolean {
  const knownWords = known.split('_');
  return words.length === knownWords.length
    ? words.every((word, i) => mistyped(word, knownWords[i]))
    : mistyped(words.join('_'), known);
}

/**
 * The known field `sent` most likely means, or null when none is close.
 *
 * @param known the stream's fields, in the order its declaration lists them (ties go to the first).
 */
export function nearestField(sent: string, known: readonly string[]): string | null {
  const words = wordsOf(sent);
  const joined = words.join('_');
  const same = known.find((field) => field === joined);
  if (same !== undefined) {
    return same;
  }
  // Every word sent, in order, and one or two more: a word left out.
  if (words.length >= 2) {
    let best: { field: string; extra: number } | undefined;
    for (const field of known) {
      const fieldWords = field.split('_');
      const extra = fieldWords.length - words.length;
      if (extra > 0 && extra <= 2 && isSubsequence(words, fieldWords)) {
        if (best === undefined || extra < best.extra) {
          best = { field, extra };
        }
      }
    }
    if (best !== undefined) {
      return best.field;
    }
  }
  let nearest: { field: string; distance: number } | undefined;
  for (const field of known) {
    const distance = leven(joined, field);
    if (mistypedField(words, field) && (nearest === undefined || distance < nearest.distance)) {
      nearest = { field, distance };
    }
  }
  return nearest?.field ?? null;
}

function isSubsequence(words: readonly string[], of: readonly string[]): boolean {
  let at = 0;
  for (const word of of) {
    if (at < words.length && words[at] === word) {
      at++;
    }
  }
  return at === words.length;
}
