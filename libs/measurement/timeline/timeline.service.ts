import { Injectable } from '@nestjs/common';
import { ClickHouseService, dateFromClickHouse, toClickHouseTime } from '../../storage/index.js';
import { MeasurementErrorCode, MeasurementException } from '../common/measurement.exception.js';
import { MAX_TIMELINE_ENTRIES } from './dto/person-timeline.args.js';
import type { TimelineEntry } from './models/timeline-entry.model.js';
import {
  FIRING_DETAIL_COLUMNS,
  queryTimeline,
  type TimelineConsentRow,
  type TimelineExposureRow,
  type TimelineFiringRow,
  type TimelineOutcomeRow,
  type TimelineSignalRow,
} from './timeline.query.js';

/** What {@link TimelineService.personTimeline} is asked. */
export interface PersonTimelineRequest {
  personId: string;
  from?: Date | null;
  to?: Date | null;
  /** Default 1000, at most MAX_TIMELINE_ENTRIES. */
  limit?: number | null;
}

/** The whole range of DateTime64: the period when none is given. */
const EARLIEST = Date.parse('1900-01-01T00:00:00Z');
const LATEST = Date.parse('2299-12-31T23:59:59.999Z');

/** At one instant, the order in which one event can cause the next. */
const KIND_ORDER = ['consent', 'signal', 'firing', 'exposure', 'outcome'] as const;
type Kind = (typeof KIND_ORDER)[number];

const isoOrNull = (text: string | null): string | null =>
  text === null ? null : dateFromClickHouse(text).toISOString();
const isoOfMs = (ms: number | null): string | null =>
  ms === null ? null : new Date(ms).toISOString();

function entry(kind: Kind, at: Date, id: string, rest: Partial<TimelineEntry>): TimelineEntry {
  return {
    at,
    kind,
    id,
    type: null,
    triggerId: null,
    arm: null,
    value: null,
    skipReason: null,
    latencyMs: null,
    withinWindow: null,
    consentPurpose: null,
    consentGranted: null,
    detail: null,
    ...rest,
  };
}

function properties(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function signalEntry(row: TimelineSignalRow): TimelineEntry {
  return entry('signal', dateFromClickHouse(row.occurred_text), row.event_id, {
    type: row.type,
    detail: {
      kind: row.kind,
      source: row.source,
      session_id: row.session_id,
      properties: properties(row.properties),
      computed_at: isoOrNull(row.computed_text),
      collected_at: isoOrNull(row.collected_text),
      received_at: isoOrNull(row.received_text),
    },
  });
}

/**
 * The declared firing fields the timeline does not read itself, as a producer sent them: JSON
 * objects parsed back, times as ISO-8601.
 */
function declaredDetail(detail: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    FIRING_DETAIL_COLUMNS.map(({ column, field }) => {
      const value = detail[column];
      if (field.type === 'json' || field.type === 'attributes') {
        return [column, properties(value as string)];
      }
      return [column, field.type === 'time' ? isoOrNull(value as string | null) : value];
    }),
  );
}

/** Latency as the latency measure defines it (docs/design.md §3), for one firing. */
function firingEntry(row: TimelineFiringRow): TimelineEntry {
  const sent = row.arm === 'treatment' && row.skip_reason === '';
  const type = row.arm !== 'treatment' ? 'held_out' : sent ? 'sent' : 'skipped';
  const latencyMs =
    row.signal_ms === null ? null : (row.delivered_ms ?? row.decided_ms) - row.signal_ms;
  return entry('firing', dateFromClickHouse(row.decided_text), row.firing_id, {
    type,
    triggerId: row.trigger_id,
    arm: row.arm,
    skipReason: row.skip_reason === '' ? null : row.skip_reason,
    latencyMs,
    withinWindow: latencyMs === null || row.window_ms === null ? null : latencyMs <= row.window_ms,
    consentPurpose: row.consent_purpose === '' ? null : row.consent_purpose,
    consentGranted: row.consent_granted,
    detail: {
      trigger_version: row.trigger_version,
      measured_version: row.measured_version === 0 ? null : row.measured_version,
      ...declaredDetail(row.detail),
      signal_at: isoOfMs(row.signal_ms),
      dispatched_at: isoOrNull(row.dispatched_text),
      delivered_at: isoOfMs(row.delivered_ms),
      signal_to_decision_ms: row.signal_ms === null ? null : row.decided_ms - row.signal_ms,
      decision_to_delivery_ms: row.delivered_ms === null ? null : row.delivered_ms - row.decided_ms,
      window_ms: row.window_ms,
    },
  });
}

function exposureEntry(row: TimelineExposureRow): TimelineEntry {
  return entry('exposure', dateFromClickHouse(row.occurred_text), row.event_id, {
    type: row.type,
    triggerId: row.trigger_id,
    detail: {
      firing_id: row.firing_id,
      rendered_variant: row.rendered_variant,
      machine: row.machine,
    },
  });
}

function outcomeEntry(row: TimelineOutcomeRow): TimelineEntry {
  return entry('outcome', dateFromClickHouse(row.occurred_text), row.outcome_id, {
    type: row.type,
    triggerId: row.trigger_id === '' ? null : row.trigger_id,
    value: row.amount,
    detail: {
      class: row.outcome_class,
      currency: row.currency,
      order_id: row.order_id,
      refund_of_order_id: row.refund_of_order_id,
      channel: row.channel,
      firing_id: row.firing_id,
    },
  });
}

function consentEntry(row: TimelineConsentRow): TimelineEntry {
  return entry('consent', dateFromClickHouse(row.occurred_text), row.event_id, {
    type: row.purpose,
    consentPurpose: row.purpose,
    consentGranted: row.granted,
    detail: { source: row.source, recorded_at: isoOrNull(row.recorded_text) },
  });
}

function compareEntries(a: TimelineEntry, b: TimelineEntry): number {
  return (
    a.at.getTime() - b.at.getTime() ||
    KIND_ORDER.indexOf(a.kind as Kind) - KIND_ORDER.indexOf(b.kind as Kind) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** The person timeline: what an analyst opens when a customer complains. */
@Injectable()
export class TimelineService {
  constructor(private readonly clickhouse: ClickHouseService) {}

  /**
   * One person's signals, firings, exposures, outcomes and consent changes in [from, to) (the
   * whole history when omitted), in time order, the first `limit` of them.
   */
  async personTimeline(tenantId: string, request: PersonTimelineRequest): Promise<TimelineEntry[]> {
    const from = request.from?.getTime() ?? EARLIEST;
    const to = request.to?.getTime() ?? LATEST;
    const limit = request.limit ?? 1000;
    if (Number.isNaN(from) || Number.isNaN(to) || from >= to) {
      throw new MeasurementException(
        MeasurementErrorCode.InvalidPeriod,
        'from must be a valid time before to',
      );
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TIMELINE_ENTRIES) {
      throw new MeasurementException(
        MeasurementErrorCode.InvalidArgument,
        `limit must be an integer from 1 to ${MAX_TIMELINE_ENTRIES}, got ${limit}`,
      );
    }
    if (request.personId.trim() === '') {
      throw new MeasurementException(MeasurementErrorCode.InvalidArgument, 'personId is empty');
    }
    const rows = await queryTimeline(this.clickhouse, {
      tenantId,
      personId: request.personId,
      from: toClickHouseTime(Math.max(from, EARLIEST)),
      to: toClickHouseTime(Math.min(to, LATEST)),
    });
    return [
      ...rows.consent.map(consentEntry),
      ...rows.signals.map(signalEntry),
      ...rows.firings.map(firingEntry),
      ...rows.exposures.map(exposureEntry),
      ...rows.outcomes.map(outcomeEntry),
    ]
      .sort(compareEntries)
      .slice(0, limit);
  }
}
