// Every measurement statement, in one list: the statements written to clickhouse/queries/ (one
// file each, `npm run queries`) and checked against their parameters by queries.spec.ts. A new
// measure's query is added here. Not exported from the library's index: this list reaches into
// the libraries that use measurement (reports, exports), which would otherwise import it back.
import { COMPUTED_EXPORT_QUERIES, EXPORT_QUERIES, SNAPSHOT_COVERS_QUERY } from '../bi/index.js';
import { REVENUE_CURRENCIES_QUERY } from '../reports/currencies.query.js';
import { DATA_VERSION_QUERY, type AnyQueryDefinition } from '../storage/index.js';
import {
  HIGHEST_TRIGGER_VERSION_QUERY,
  FIRED_TRIGGER_IDS_QUERY,
  LATEST_TRIGGERS_QUERY,
  TRIGGER_VERSIONS_QUERY,
} from '../triggers/index.js';
import { ATTRIBUTION_QUERY } from './attribution/attribution.query.js';
import { CONSENT_SOURCES_QUERY, CONSENT_TRIGGERS_QUERY } from './consent/consent-audit.query.js';
import { SIGNAL_FRESHNESS_QUERY } from './freshness/freshness.query.js';
import { GUARDRAILS_QUERY, PLAIN_GUARDRAILS_QUERY } from './guardrails/guardrails.query.js';
import { SENT_BY_TRIGGER_QUERY } from './common/trigger-parts.js';
import { LATENCY_FACTS_QUERY, TRIGGER_LATENCY_QUERY } from './latency/latency.query.js';
import {
  CAPPED_LIFT_BY_ARM_QUERY,
  CAPPED_LIFT_QUERY,
  LIFT_BY_ARM_QUERY,
  LIFT_QUERY,
  PLAIN_LIFT_BY_ARM_QUERY,
  PLAIN_LIFT_QUERY,
  SENT_CHANNELS_QUERY,
} from './lift/lift.query.js';
import { FIRING_PROPERTY_KEYS_QUERY, LIFT_SEGMENTS_QUERY } from './lift/segments.query.js';
import { NAMED_VERSIONS_QUERY, SHARE_VERSIONS_QUERY } from './lift/holdout-shares.query.js';
import { TRIGGER_INTERACTIONS_QUERY } from './lift/interactions.query.js';
import {
  FIRING_SIGNAL_KINDS_QUERY,
  LATENCY_AGAINST_WINDOWS_QUERY,
} from './maturity/maturity.query.js';
import { CONVERSION_CURVE_QUERY } from './over-time/conversion-curve.query.js';
import { LIFT_OVER_TIME_QUERY } from './over-time/lift-over-time.query.js';
import { TREND_FACTS_QUERY, TRIGGER_TREND_QUERY } from './over-time/trigger-trend.query.js';
import { PRESSURE_FACTS_QUERY, PRESSURE_QUERY } from './pressure/pressure.query.js';
import { SUPPRESSION_FACTS_QUERY, SUPPRESSION_QUERY } from './suppression/suppression.query.js';
import {
  TIMELINE_CONSENT_QUERY,
  TIMELINE_EXPOSURES_QUERY,
  TIMELINE_FIRINGS_QUERY,
  TIMELINE_OUTCOMES_QUERY,
  TIMELINE_SIGNALS_QUERY,
} from './timeline/timeline.query.js';

export const MEASUREMENT_QUERIES: readonly AnyQueryDefinition[] = [
  LIFT_QUERY,
  LIFT_BY_ARM_QUERY,
  PLAIN_LIFT_QUERY,
  PLAIN_LIFT_BY_ARM_QUERY,
  SENT_CHANNELS_QUERY,
  LIFT_OVER_TIME_QUERY,
  CONVERSION_CURVE_QUERY,
  TRIGGER_TREND_QUERY,
  TREND_FACTS_QUERY,
  CAPPED_LIFT_QUERY,
  CAPPED_LIFT_BY_ARM_QUERY,
  SHARE_VERSIONS_QUERY,
  NAMED_VERSIONS_QUERY,
  LIFT_SEGMENTS_QUERY,
  FIRING_PROPERTY_KEYS_QUERY,
  TRIGGER_INTERACTIONS_QUERY,
  GUARDRAILS_QUERY,
  PLAIN_GUARDRAILS_QUERY,
  TRIGGER_LATENCY_QUERY,
  LATENCY_FACTS_QUERY,
  SENT_BY_TRIGGER_QUERY,
  SIGNAL_FRESHNESS_QUERY,
  ATTRIBUTION_QUERY,
  CONSENT_TRIGGERS_QUERY,
  CONSENT_SOURCES_QUERY,
  FIRING_SIGNAL_KINDS_QUERY,
  LATENCY_AGAINST_WINDOWS_QUERY,
  PRESSURE_QUERY,
  PRESSURE_FACTS_QUERY,
  SUPPRESSION_QUERY,
  SUPPRESSION_FACTS_QUERY,
  TIMELINE_SIGNALS_QUERY,
  TIMELINE_FIRINGS_QUERY,
  TIMELINE_EXPOSURES_QUERY,
  TIMELINE_OUTCOMES_QUERY,
  TIMELINE_CONSENT_QUERY,
  REVENUE_CURRENCIES_QUERY,
  LATEST_TRIGGERS_QUERY,
  TRIGGER_VERSIONS_QUERY,
  HIGHEST_TRIGGER_VERSION_QUERY,
  FIRED_TRIGGER_IDS_QUERY,
  ...Object.values(EXPORT_QUERIES),
  ...Object.values(COMPUTED_EXPORT_QUERIES),
  SNAPSHOT_COVERS_QUERY,
  DATA_VERSION_QUERY,
];
