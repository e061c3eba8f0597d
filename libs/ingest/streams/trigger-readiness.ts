// What a trigger must define before it may go live (docs/design.md §2): the one rule that
// defineTrigger, the `triggers` stream and readiness all apply. It lives beside the stream's
// declaration because the stream is the lowest door that refuses by it.

/** The six definitions a trigger needs before it may go live (docs/design.md §2). */
export const DEFINITIONS = [
  'signal',
  'audience',
  'surface',
  'window',
  'suppression',
  'success',
] as const;
export type Definition = (typeof DEFINITIONS)[number];

/**
 * The `triggers` stream fields each definition is made of, as a producer names them: what a
 * refusal tells the sender to add.
 */
export const DEFINITION_FIELDS: Readonly<Record<Definition, readonly string[]>> = {
  signal: ['signal_types'],
  audience: ['audience'],
  surface: ['channel', 'surface'],
  window: ['window_ms'],
  suppression: ['suppression.converted_lookback_ms', 'frequency_cap', 'consent_purpose'],
  success: ['success_types', 'guardrail_types', 'holdout_pct'],
};

/** The fields readiness looks at, as stored. */
export interface TriggerFields {
  signal_types: string[];
  audience: string;
  channel: string;
  surface: string;
  window_ms: number | null;
  suppression_converted_lookback_ms: number | null;
  frequency_cap_max: number | null;
  consent_purpose: string;
  success_types: string[];
  guardrail_types: string[];
  holdout_pct: number | null;
}

/**
 * Which definitions a trigger lacks. The rule for each, documented in the README:
 * - signal: at least one signal type;
 * - audience: an audience;
 * - surface: a channel and a surface;
 * - window: a relevance window longer than zero;
 * - suppression: a converted-lookback, a frequency cap and a consent purpose;
 * - success: success types, guardrail types and a holdout share (the conversion window has a
 *   default of 7 days).
 */
export function missingDefinitions(t: TriggerFields): Definition[] {
  const present: Record<Definition, boolean> = {
    signal: t.signal_types.length > 0,
    audience: t.audience.trim() !== '',
    surface: t.channel.trim() !== '' && t.surface.trim() !== '',
    window: t.window_ms !== null && t.window_ms > 0,
    suppression:
      t.suppression_converted_lookback_ms !== null &&
      t.frequency_cap_max !== null &&
      t.consent_purpose.trim() !== '',
    success: t.success_types.length > 0 && t.guardrail_types.length > 0 && t.holdout_pct !== null,
  };
  return DEFINITIONS.filter((d) => !present[d]);
}
