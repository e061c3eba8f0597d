// The TypeScript types of a stream's rows, read off its declaration: the row a producer sends
// (InputRow) and the values validation hands to the storage mapping (ParsedRow).
import type { STREAM_DECLARATIONS } from './index.js';

type Declarations = typeof STREAM_DECLARATIONS;
/** A stream's name. */
export type DeclaredStream = keyof Declarations;
type FieldsOf<S extends DeclaredStream> = Declarations[S]['fields'];

type Simplify<T> = { -readonly [K in keyof T]: T[K] } & {};
type RequiredKeys<F> = { [K in keyof F]: F[K] extends { required: true } ? K : never }[keyof F];
type OptionalKeys<F> = Exclude<keyof F, RequiredKeys<F>>;
type Row<F, Form extends keyof Scalars> = Simplify<
  { [K in RequiredKeys<F>]: Value<F[K], Form> } & {
    [K in OptionalKeys<F>]?: Value<F[K], Form> | (Form extends 'input' ? never : null);
  }
>;

/** ISO-8601 timestamp in UTC with a trailing `Z`, e.g. `2026-10-01T08:15:00.000Z`. */
export type IsoTimestamp = string;

/** What a producer sends for each value type. */
interface InputScalars {
  id: string;
  text: string;
  texts: string[];
  time: IsoTimestamp;
  boolean: boolean;
  version: number;
  duration: number;
  positiveDuration: number;
  count: number;
  fraction: number;
  /** Money as a number or as decimal text (`"29.99"`). */
  decimal: number | string;
  json: Record<string, unknown>;
  attributes: Record<string, string | number | boolean>;
  textOrJson: string | Record<string, unknown>;
}

/**
 * What validation makes of each value type: times in epoch ms, objects and money as text; every
 * other value as sent.
 */
interface ParsedScalars extends Omit<
  InputScalars,
  'time' | 'decimal' | 'json' | 'attributes' | 'textOrJson'
> {
  time: number;
  decimal: string;
  json: string;
  attributes: string;
  textOrJson: string;
}

/** The two forms of a row: as a producer sends it, and as validation reads it. */
interface Scalars {
  input: InputScalars;
  parsed: ParsedScalars;
}

type Value<F, Form extends keyof Scalars> = F extends {
  type: 'enum';
  values: readonly (infer V)[];
}
  ? V
  : F extends { type: 'object'; fields: infer N }
    ? Row<N, Form>
    : F extends { type: infer T extends keyof Scalars[Form] }
      ? Scalars[Form][T]
      : never;

/** A row of stream `S` as a producer sends it (optional fields may be left out). */
export type InputRow<S extends DeclaredStream> = Row<FieldsOf<S>, 'input'>;

/** A row of stream `S` as validation reads it (absent optional fields undefined or null). */
export type ParsedRow<S extends DeclaredStream> = Row<FieldsOf<S>, 'parsed'>;
