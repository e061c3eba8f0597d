-- What a refused line is known by when its text is not the same from one copy to the next: the
-- Segment door's messageId, whose mapped row holds a time corrected for skew at each arrival (a
-- library's retry stamps a new sentAt), and whose message as sent carries that sentAt; for a signal
-- line, a hash of its text without sent_at, which a producer's library stamps at each try. Copies of a
-- refused line count once (docs/design.md §5); for such a line they are those with the same
-- known_as, for any other the same raw text. '' (the default, and the rows written before this
-- column) for a line known by its text. The engine and sorting key are unchanged.
-- cluster: shard by rand()
ALTER TABLE rejected_events ADD COLUMN IF NOT EXISTS known_as String DEFAULT '';
