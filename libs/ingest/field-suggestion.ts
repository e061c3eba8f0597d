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
 * The edits a mistyped name may be from the field it means: two (one swap of neighbours counts
 * two), three for a long name.
 */
function toleratedEdits(name: string): number {
  return name.length >= 9 ? 3 : 2;
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
    if (
      distance <= toleratedEdits(field) &&
      (nearest === undefined || distance < nearest.distance)
    ) {
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
