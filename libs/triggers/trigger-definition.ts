import { validateRow, type IngestLimits } from '../ingest/index.js';
import { TriggerStatus } from './dto/trigger-status.enum.js';
import type { TriggerInput } from './dto/trigger.input.js';
import { missingDefinitions } from './readiness.js';
import { TriggersErrorCode, TriggersException } from './triggers.exception.js';
import { triggerRow, type TriggerRow } from './triggers.repository.js';

/** GraphQL names of the stream's fields, for error messages. */
const INPUT_FIELD: Record<string, string> = {
  trigger_id: 'triggerId',
  signal_types: 'signalTypes',
  window_ms: 'windowMs',
  success_types: 'successTypes',
  holdout_pct: 'holdoutPct',
  planned_persons: 'plannedPersons',
  conversion_window_ms: 'conversionWindowMs',
  guardrail_types: 'guardrailTypes',
  frequency_cap: 'frequencyCap',
  per_ms: 'perMs',
  converted_lookback_ms: 'convertedLookbackMs',
  consent_purpose: 'consentPurpose',
};

function inputField(path: string): string {
  return path
    .split('.')
    .map((part) => INPUT_FIELD[part] ?? part)
    .join('.');
}

/** A definition as stored: the `triggers` table row, and the same as {@link TriggerRow}. */
export interface StoredDefinition {
  /** Exactly the table's columns. */
  row: Record<string, unknown>;
  definition: TriggerRow;
}

/**
 * Turns a `defineTrigger` input into the `triggers` row of the given version, by the field rules
 * of the `triggers` stream (the same validation as POST /v1/ingest/triggers). A draft may lack
 * any definition; `live` is refused unless all six are present, naming the missing ones.
 */
export function toStoredDefinition(
  input: TriggerInput,
  version: number,
  context: { tenantId: string; receivedAt: number; limits: IngestLimits },
): StoredDefinition {
  const status = input.status ?? TriggerStatus.DRAFT;
  const streamRow = {
    trigger_id: input.triggerId,
    name: input.name,
    channel: input.channel,
    signal_types: input.signalTypes,
    window_ms: input.windowMs,
    success_types: input.successTypes,
    version,
    surface: input.surface,
    audience: input.audience,
    holdout_pct: input.holdoutPct,
    planned_persons: input.plannedPersons,
    conversion_window_ms: input.conversionWindowMs,
    guardrail_types: input.guardrailTypes,
    frequency_cap:
      input.frequencyCap === null || input.frequencyCap === undefined
        ? null
        : { max: input.frequencyCap.max, per_ms: input.frequencyCap.perMs },
    suppression:
      input.suppression === null || input.suppression === undefined
        ? null
        : { converted_lookback_ms: input.suppression.convertedLookbackMs ?? null },
    consent_purpose: input.consentPurpose,
    status,
  };
  // Readiness first, on the row as a draft would store it: the mutation words a refused live
  // definition its own way (all missing definitions, by their GraphQL names).
  const draft = stored({ ...streamRow, status: TriggerStatus.DRAFT }, context);
  const missing = missingDefinitions(draft.definition);
  if (status === TriggerStatus.LIVE && missing.length > 0) {
    throw new TriggersException(
      TriggersErrorCode.NotReady,
      `trigger ${input.triggerId} cannot go live: it lacks ${missing.join(', ')} ` +
        `(define them, or save it as a draft)`,
    );
  }
  return status === TriggerStatus.DRAFT ? draft : stored(streamRow, context);
}

/** The stored row of a stream row, or the stream's refusal with GraphQL field names. */
function stored(
  streamRow: Record<string, unknown>,
  context: { tenantId: string; receivedAt: number; limits: IngestLimits },
): StoredDefinition {
  const result = validateRow('triggers', streamRow, 1, context);
  if (!result.ok) {
    throw new TriggersException(
      TriggersErrorCode.InvalidDefinition,
      `${inputField(result.error.field)}: ${result.error.message}`,
    );
  }
  const row = { ...result.value.row };
  return { row, definition: triggerRow.parse(row) };
}
