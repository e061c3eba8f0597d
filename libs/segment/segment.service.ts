import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/index.js';
import {
  IngestService,
  MAX_TIME_MS,
  MIN_TIME_MS,
  rejectedRecord,
  SEGMENT_REFUSALS,
  type ParsedLine,
  type RefusedLine,
} from '../ingest/index.js';
import { PersonBlocklist } from '../lifecycle/index.js';
import { segmentEventTime } from './event-time.js';
import { EventMappingsRepository } from './event-mappings.repository.js';
import {
  KeptMessagesRepository,
  type KeptMessage,
  type StoredKeptMessage,
} from './kept-messages.repository.js';
import { mappedRow, type MappableStream, type MappingPlan } from './mapping.js';
import {
  readSegmentBody,
  replayedReceivedAt,
  type BodyProblem,
  type SegmentCall,
  type SegmentMessage,
} from './messages.js';
import { SegmentErrorCode, SegmentException } from './segment.exception.js';

/** Why one message was not stored: its batch item, the field and the reason. */
export interface SegmentMessageError {
  /** The message's index in `batch` (0 for a single call). */
  item: number;
  /** The stream field its row failed on (`outcomes.value`), or the message field. */
  field: string;
  message: string;
}

/**
 * The answer to a Segment call: `success: true` as Segment answers (its SDKs read the status),
 * and what became of the messages. `messages` is always `mapped + kept + rejected`.
 */
export interface SegmentAnswer {
  success: true;
  /** When the call arrived, on the server clock: Segment's `receivedAt`, which skew is corrected to. */
  receivedAt: string;
  messages: number;
  /** Messages stored as a row of a stream by a mapping rule (copies within the call included). */
  mapped: number;
  /** Messages no rule maps, counted and kept as sent (`unmappedEvents`). */
  kept: number;
  /**
   * Mapped rows the stream refused and unmapped messages refused for their time (both kept in
   * `rejectedRows`), and messages of erased persons.
   */
  rejected: number;
  /** Messages whose messageId already came earlier in the same call (stored once). */
  duplicates: number;
  /**
   * Mapped rows whose id came earlier in the same call with other content (the first is kept): a
   * messageId reused for another message.
   */
  conflicts: number;
  errors: SegmentMessageError[];
}

/** What mapping the kept messages of an event did. */
export interface KeptMapping {
  event: string;
  /** Kept messages of the event that were mapped now. */
  messages: number;
  /** Of those, rows the stream stored. */
  mapped: number;
  /** Of those, rows the stream refused (kept in `rejectedRows`). */
  rejected: number;
}

/** Why a message whose event time lands outside the stored years is refused. */
const OUT_OF_YEARS =
  'the event time (corrected for clock skew when sentAt is given) must fall in the years 2000–2100 (UTC)';

/** A kept track message as the mapping reads it: its event time is the one computed on arrival. */
function keptTrack(kept: StoredKeptMessage, index: number): SegmentMessage {
  const sent = JSON.parse(kept.raw) as Record<string, unknown>;
  const properties = sent.properties;
  return {
    index,
    type: 'track',
    messageId: kept.messageId,
    event: kept.event,
    personId: kept.personId,
    personField: sent.userId === undefined || sent.userId === null ? 'anonymousId' : 'userId',
    // a message naming an erased person beside its own was refused before it was kept, or
    // deleted by the erasure since (its text names them)
    namedBeside: [],
    properties:
      typeof properties === 'object' && properties !== null && !Array.isArray(properties)
        ? (properties as Record<string, unknown>)
        : {},
    clock: { timestamp: kept.eventTime, receivedAt: replayedReceivedAt(sent) },
    raw: kept.raw,
  };
}

/** Kept messages by arrival time: those of one request go through the ingest together. */
function byArrival(page: readonly StoredKeptMessage[]): Map<number, StoredKeptMessage[]> {
  const groups = new Map<number, StoredKeptMessage[]>();
  for (const kept of page) {
    const group = groups.get(kept.receivedAt) ?? [];
    group.push(kept);
    groups.set(kept.receivedAt, group);
  }
  return groups;
}

/** Problems listed in a refusal before the rest are only counted. */
const PROBLEMS_SHOWN = 20;

function describeProblems(problems: readonly BodyProblem[]): string {
  const shown = problems.slice(0, PROBLEMS_SHOWN).map((p) => `${p.path}: ${p.message}`);
  const more = problems.length - shown.length;
  return `not a Segment message; nothing was stored: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

/**
 * The Segment-compatible endpoint (docs/design.md §11): a call's messages are read and checked
 * whole, mapped by the tenant's rules to rows of the streams, which go through the same ingest
 * as NDJSON (validation, limits, erasure, rejected rows kept), and the rest are kept as sent.
 */
@Injectable()
export class SegmentService {
  constructor(
    private readonly ingest: IngestService,
    private readonly mappings: EventMappingsRepository,
    private readonly kept: KeptMessagesRepository,
    private readonly blocklist: PersonBlocklist,
  ) {}

  /**
   * Stores one call, received at `receivedAt` (server clock).
   *
   * @throws SegmentException (InvalidBody) naming every bad field when any message is not a
   *   Segment message: nothing of the call is stored.
   */
  async receive(
    principal: Principal,
    call: SegmentCall,
    body: unknown,
    receivedAt: number,
  ): Promise<SegmentAnswer> {
    const limits = this.ingest.limits;
    const read = readSegmentBody(call, body, {
      maxMessages: limits.maxRows,
      maxFieldChars: limits.maxFieldChars,
      receivedAt,
    });
    if ('problems' in read) {
      throw new SegmentException(SegmentErrorCode.InvalidBody, describeProblems(read.problems));
    }
    const answer: SegmentAnswer = {
      success: true,
      receivedAt: new Date(receivedAt).toISOString(),
      messages: read.messages.length,
      mapped: 0,
      kept: 0,
      rejected: 0,
      duplicates: 0,
      conflicts: 0,
      errors: [],
    };
    const messages = await this.withoutErasedBeside(principal.tenantId, read.messages, answer);
    const { byStream, unmapped } = await this.mapped(principal.tenantId, messages, receivedAt);
    for (const [stream, lines] of byStream) {
      const result = await this.ingest.ingest(principal, stream, lines, receivedAt);
      answer.mapped += result.accepted;
      answer.rejected += result.rejected;
      answer.duplicates += result.duplicates;
      answer.conflicts += result.conflicts;
      for (const error of result.errors) {
        answer.errors.push({
          item: error.line - 1,
          field: `${stream}.${error.field}`,
          message: error.message,
        });
      }
    }
    await this.keepUnmapped(principal.tenantId, unmapped, receivedAt, answer);
    answer.errors.sort((a, b) => a.item - b.item);
    return answer;
  }

  /**
   * Maps the kept track messages of an event by its rule, defined after they arrived: each goes
   * through the ingest as it would have on arrival (its arrival time, its event time, its
   * messageId as the row's id, so mapping twice stores nothing twice) and leaves the unmapped
   * counts. Pages of INGEST_MAX_ROWS messages.
   *
   * @throws SegmentException (InvalidMapping) when no rule maps the event.
   */
  async mapKept(principal: Principal, event: string): Promise<KeptMapping> {
    const plan = (await this.mappings.plansOf(principal.tenantId)).get(event);
    if (plan === undefined) {
      throw new SegmentException(
        SegmentErrorCode.InvalidMapping,
        `event: no rule maps "${event}"; define one with defineEventMapping first`,
      );
    }
    const total: KeptMapping = { event, messages: 0, mapped: 0, rejected: 0 };
    const pageSize = this.ingest.limits.maxRows;
    for (;;) {
      const page = await this.kept.unmappedTrack(principal.tenantId, event, pageSize);
      for (const [receivedAt, kept] of byArrival(page)) {
        const result = await this.ingest.ingest(
          principal,
          plan.stream,
          this.linesOf(kept, plan),
          receivedAt,
        );
        total.messages += kept.length;
        total.mapped += result.accepted;
        total.rejected += result.rejected;
      }
      await this.kept.markMapped(principal.tenantId, page, Date.now());
      if (page.length < pageSize) {
        return total;
      }
    }
  }

  private linesOf(kept: readonly StoredKeptMessage[], plan: MappingPlan): ParsedLine[] {
    return kept.map((stored, index) => {
      const row = mappedRow(keptTrack(stored, index), plan, stored.receivedAt);
      return { line: index + 1, raw: JSON.stringify(row), value: row, knownAs: stored.messageId };
    });
  }

  /**
   * The rows of the messages a rule maps, per stream, as lines numbered by batch item (so the
   * ingest's answer names the item); the other messages as they are.
   */
  private async mapped(
    tenantId: string,
    messages: readonly SegmentMessage[],
    receivedAt: number,
  ): Promise<{ byStream: Map<MappableStream, ParsedLine[]>; unmapped: SegmentMessage[] }> {
    const plans = await this.mappings.plansOf(tenantId);
    const byStream = new Map<MappableStream, ParsedLine[]>();
    const unmapped: SegmentMessage[] = [];
    for (const message of messages) {
      const plan = message.type === 'track' ? plans.get(message.event) : undefined;
      if (plan === undefined) {
        unmapped.push(message);
        continue;
      }
      const row = mappedRow(message, plan, receivedAt);
      const lines = byStream.get(plan.stream) ?? [];
      // refused, its copies are one line by messageId: their rows differ in the time corrected
      // for skew at each arrival
      const knownAs = message.messageId;
      lines.push({ line: message.index + 1, raw: JSON.stringify(row), value: row, knownAs });
      byStream.set(plan.stream, lines);
    }
    return { byStream, unmapped };
  }

  /**
   * The messages, less those that name an erased person besides their own (an anonymousId beside
   * a userId, an alias's previousId), which are refused (`erased`): a row would be filed under the
   * userId, yet the message names the person. A message whose own person (userId, else
   * anonymousId) is erased is refused where it goes (the ingest, or keepUnmapped).
   */
  private async withoutErasedBeside(
    tenantId: string,
    messages: readonly SegmentMessage[],
    answer: SegmentAnswer,
  ): Promise<readonly SegmentMessage[]> {
    const beside = messages.filter((m) => m.namedBeside.length > 0);
    const erased = beside.length === 0 ? undefined : await this.blocklist.checkFor(tenantId);
    if (erased === undefined) {
      return messages;
    }
    return messages.filter((message) => {
      const named = message.namedBeside.find(
        ({ id }) => erased({ raw: '', value: { person_id: id } }) !== undefined,
      );
      if (named === undefined) {
        return true;
      }
      answer.rejected++;
      answer.errors.push({ item: message.index, field: named.field, message: 'erased' });
      return false;
    });
  }

  /**
   * Keeps the messages no rule maps, each messageId once; an erased person's are refused
   * (`erased`) and not kept, as the ingest refuses their rows. One whose event time is outside
   * the stored years is refused and kept in `rejected_events` (stream SEGMENT_REFUSALS, its line
   * the batch item's number from 1, the message's JSON as sent), as a mapped one is by its stream.
   */
  private async keepUnmapped(
    tenantId: string,
    messages: readonly SegmentMessage[],
    receivedAt: number,
    answer: SegmentAnswer,
  ): Promise<void> {
    const erased = messages.length === 0 ? undefined : await this.blocklist.checkFor(tenantId);
    const seen = new Set<string>();
    const kept: KeptMessage[] = [];
    const refused: RefusedLine[] = [];
    for (const message of messages) {
      if (erased?.({ raw: '', value: { person_id: message.personId } }) !== undefined) {
        answer.rejected++;
        answer.errors.push({ item: message.index, field: message.personField, message: 'erased' });
        continue;
      }
      const eventTime = segmentEventTime(message.clock, receivedAt);
      // a device time is read from 1970 on, for the skew correction; where it lands must be a
      // stored year, as a mapped row's event time must
      if (eventTime < MIN_TIME_MS || eventTime > MAX_TIME_MS) {
        answer.rejected++;
        answer.errors.push({ item: message.index, field: 'timestamp', message: OUT_OF_YEARS });
        const error = { line: message.index + 1, field: 'timestamp', message: OUT_OF_YEARS };
        const record = rejectedRecord(SEGMENT_REFUSALS, error, message.raw);
        // a retry's copy is the same message with a new sentAt
        refused.push({ ...record, knownAs: message.messageId });
        continue;
      }
      answer.kept++;
      if (seen.has(message.messageId)) {
        answer.duplicates++;
        continue;
      }
      seen.add(message.messageId);
      kept.push({ message, eventTime });
    }
    await this.kept.keep(tenantId, kept, receivedAt);
    await this.ingest.keepRefused(tenantId, refused, receivedAt);
  }
}
