import type { StreamName } from './streams.js';
import type { ErasedField } from '../lifecycle/erased-persons.js';

/** Why one input line was refused. */
export interface RowError {
  /** 1-based physical line of the body (array index + 1 for a JSON-array body). */
  line: number;
  /** The failing field as a dotted path (`frequency_cap.max`, `signal_types.2`), or `(line)`. */
  field: string;
  /** What is wrong, in words, without the field name (the caller shows `field` beside it). */
  message: string;
}

/** Request limits, from `INGEST_MAX_ROWS`, `INGEST_MAX_FIELD_CHARS`, `INGEST_MAX_BODY_BYTES`. */
export interface IngestLimits {
  maxRows: number;
  maxFieldChars: number;
  maxBodyBytes: number;
}

/** What validation needs besides the row: whose it is, when it arrived, and the limits. */
export interface ValidationContext {
  /** The tenant of the API key; a tenant-looking field in a row is never used. */
  tenantId: string;
  /** Epoch milliseconds on the server clock when the request arrived. */
  receivedAt: number;
  limits: IngestLimits;
  /**
   * The field by which a line names an erased person (docs/design.md §10): their person_id, or, in
   * an exposure, one of their firings. Such a line is refused with reason `erased`, its raw text
   * not kept. Undefined when the tenant has erased no one.
   */
  namesErasedPerson?: (line: ParsedLine) => ErasedField | undefined;
  /**
   * Whether the raw text of a line refused for another reason names an erased person or one of
   * their firings anywhere: it is then kept without its text. Undefined when no one is erased.
   */
  rawNamesErased?: (raw: string) => boolean;
}

/** A line that passed validation, mapped to its storage row. */
export interface ValidRow {
  /** The deduplication id: event_id, firing_id, outcome_id, a derived id, or `trigger_id@version`. */
  id: string;
  /** Decimal text of a UInt64 hash of the producer's content (also `row.content_hash`). */
  contentHash: string;
  /**
   * Exactly the columns of the stream's table (MATERIALIZED ones excluded), JSON-serializable,
   * DateTime64 values as `YYYY-MM-DD hh:mm:ss.mmm` UTC text, absent Nullable columns as `null`.
   */
  row: Record<string, unknown>;
}

/**
 * Lines to validate: an array (a GraphQL list, a test), lines as they are read, or the lines of
 * each body chunk as it completes them (parseBodyBatches).
 */
export type LineSource = Iterable<ParsedLine> | AsyncIterable<ParsedLine | readonly ParsedLine[]>;

/** An accepted line as the writer stores it. */
export interface StorageLine {
  /** The deduplication id (see {@link ValidRow.id}). */
  id: string;
  /** Decimal text of the UInt64 content hash (see {@link ValidRow.contentHash}). */
  contentHash: string;
  /**
   * The stream table's row as one JSONEachRow line: the storage row serialized, or the line as
   * sent with the columns it lacks written in front (see passthrough.ts). Either way ClickHouse
   * reads the same values.
   */
  text: string;
  /** The fields the line carried that its stream does not know (ignored), each once; absent if none. */
  ignored?: readonly string[];
}

/** The outcome of validating one line. */
export type LineResult = { ok: true; value: ValidRow } | { ok: false; error: RowError };

/** One line of a request body, parsed but not validated. */
export interface ParsedLine {
  line: number;
  /**
   * The line's text as received (for a JSON-array body, the element re-serialized). When `value`
   * is given too, both must say the same: a line whose text reads plainly is stored from its text.
   */
  raw: string;
  /**
   * The parsed JSON value; absent when `parseError` is set, and when the line was read without
   * parsing (parseBodyBatches with `parse: false`): validation parses it then.
   */
  value?: unknown;
  /** Why the line could not be read (not JSON, not UTF-8); such a line is rejected as a whole. */
  parseError?: string;
  /**
   * What a refused copy of the line is known by when its text differs between copies (see
   * {@link RejectedRecord.knownAs}); absent for a line known by its text.
   */
  knownAs?: string;
}

/** A rejected line as kept in `rejected_events` (the writer adds tenant, request id and time). */
export interface RejectedRecord {
  stream: StreamName;
  line: number;
  field: string;
  reason: string;
  /** The raw text, cut to {@link MAX_REJECTED_RAW_CHARS} characters (the reason says so). */
  raw: string;
  /**
   * What the line is known by when copies of it differ in text, such as a Segment message's
   * `messageId` (a retry stamps a new `sentAt`, and its mapped row's time is corrected anew):
   * its copies are one refused line. Absent: the line is known by its text.
   */
  knownAs?: string;
}

/** A field that lines of a request carried and their stream does not know: ignored (docs/design.md §12). */
export interface IgnoredField {
  field: string;
  /** How many lines carried it. */
  lines: number;
  /** The stream's field it most likely means, or null when none is close. */
  suggestion: string | null;
}

/** A validated request, ready to be written. */
export interface PreparedBatch {
  stream: StreamName;
  /** Non-blank lines (or array elements) read. */
  lines: number;
  /** Always `lines - rejected`; duplicates are accepted (and counted once). */
  accepted: number;
  rejected: number;
  /** Accepted lines whose id already appeared earlier in this request. */
  duplicates: number;
  /** Those duplicates whose content differed from the first copy (docs/design.md §5: "reported"). */
  conflicts: number;
  /** One per rejected line, in line order. */
  errors: RowError[];
  /** Storage rows kept: unique by id, the first copy of an id. */
  stored: number;
  /** Those rows as JSONEachRow text, one line each (see {@link StorageLine.text}), in line order. */
  ndjson: string;
  /** The same text as UTF-8 bytes. */
  ndjsonBytes: Buffer;
  /** One per rejected line, for `rejected_events`. */
  rejects: RejectedRecord[];
  /** Rows kept whose event time was more than 24 h ahead and was clamped. */
  clamped: number;
  /** Rows kept whose event time was corrected for device clock skew via `sent_at`. */
  skewCorrected: number;
  /** The fields the stream does not know, in the order first met, whether the line was kept or not. */
  ignoredFields: IgnoredField[];
}

/** Raw text kept per rejected line, in UTF-16 code units (64 Ki). */
export const MAX_REJECTED_RAW_CHARS = 65_536;
