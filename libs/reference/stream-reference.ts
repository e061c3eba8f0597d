// The stream reference page (docs/streams.md), written from the streams' declarations: one table
// per stream, required fields first, each with its type, what it accepts and what it means.
// reference.spec.ts fails when the committed page drifts from the declarations.
import {
  DEVICE_TIME_ACCEPTS,
  deviceClockFields,
  FIELD_TYPES,
  STREAM_DECLARATIONS,
  type FieldDeclaration,
  type StreamDeclaration,
} from '../ingest/index.js';

/** Where the reference page is committed, from the project root. */
export const STREAM_REFERENCE_PATH = 'docs/streams.md';

/** The field limit the page states (INGEST_MAX_FIELD_CHARS' default). */
export const DOCUMENTED_MAX_FIELD_CHARS = 4096;

interface FieldRow {
  name: string;
  field: FieldDeclaration;
}

function flatten(fields: Readonly<Record<string, FieldDeclaration>>, prefix = ''): FieldRow[] {
  return Object.entries(fields).flatMap(([name, field]) => [
    { name: `${prefix}${name}`, field },
    ...(field.fields === undefined ? [] : flatten(field.fields, `${prefix}${name}.`)),
  ]);
}

function cell(textValue: string): string {
  return textValue.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** What a field accepts; `device` for a time a device's clock may stamp (deviceClockFields). */
function accepts(field: FieldDeclaration, device: boolean): string {
  if (device) {
    return DEVICE_TIME_ACCEPTS;
  }
  if (field.type === 'enum') {
    return `one of ${(field.values ?? []).map((v) => `\`${v}\``).join(', ')}`;
  }
  return FIELD_TYPES[field.type].accepts;
}

function defaultOf(field: FieldDeclaration): string {
  if (field.required || field.default === undefined) {
    return '';
  }
  return `\`${JSON.stringify(field.default)}\``;
}

function streamSection(stream: string, declaration: StreamDeclaration): string {
  const device = deviceClockFields(declaration);
  const rows = flatten(declaration.fields).map(
    ({ name, field }) =>
      `| \`${name}\` | ${field.required ? 'yes' : 'no'} | ${field.type} | ${cell(accepts(field, device.includes(name)))} | ${defaultOf(field)} | ${cell(field.description)} |`,
  );
  const identity = `Rows are deduplicated by ${declaration.key.map((k) => `\`${k}\``).join(' + ')}.`;
  return [
    `## \`${stream}\``,
    '',
    `${declaration.description} ${identity}`,
    '',
    `\`POST /v1/ingest/${stream}\``,
    '',
    '| field | required | type | accepts | stored when absent | meaning |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** The whole reference page, as Markdown. */
export function streamReference(): string {
  const streams = Object.entries(STREAM_DECLARATIONS);
  const header = [
    '# Stream reference',
    '',
    '<!-- Generated from libs/ingest/streams/*.stream.ts by `npm run docs:streams`; do not edit. -->',
    '',
    'Every stream arrives as NDJSON lines or a JSON array at `POST /v1/ingest/{stream}`. Field names',
    'are snake_case; an optional field may be absent or `null`. Timestamps are ISO-8601 with a UTC',
    'offset or epoch milliseconds; the offset may follow a space, and ` UTC` stands for `Z`, as',
    'warehouses write times (`2026-10-02 03:00:00.000 -0700`, `2026-10-02 10:00:00.123456 UTC`).',
    'The same rules, as JSON Schema (draft 2020-12), are served at `GET /v1/streams` (no key',
    'needed).',
    '',
    `Text limits below use \`INGEST_MAX_FIELD_CHARS\` (default ${DOCUMENTED_MAX_FIELD_CHARS});`,
    '`GET /v1/streams` states the configured value.',
    '',
    ...streams.map(([stream]) => `- [\`${stream}\`](#${stream})`),
    '',
  ];
  return [...header, ...streams.map(([s, d]) => streamSection(s, d))].join('\n');
}
