import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/index.js';
import { IngestService, type ParsedLine } from '../ingest/index.js';
import { PersonBlocklist } from '../lifecycle/index.js';
import { segmentEventTime } from './event-time.js';
import { EventMappingsRepository } from './event-mappings.repository.js';
import { KeptMessagesRepository, type KeptMessage } from './kept-messages.repository.js';
import { mappedRow, type MappableStream } from './mapping.js';
import {
  readSegmentBody,
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
  messages: number;
  /** Messages stored as a row of a stream by a mapping rule (copies within the call included). */
  mapped: number;
  /** Messages no rule maps, counted and kept as sent (`unmappedEvents`). */
  kept: number;
  /** Mapped rows the stream refused (kept in `rejectedRows`), and messages of erased persons. */
  rejected: number;
  /** Messages whose messageId already came earlier in the same call (stored once). */
  duplicates: number;
  errors: SegmentMessageError[];
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
    });
    if ('problems' in read) {
      throw new SegmentException(SegmentErrorCode.InvalidBody, describeProblems(read.problems));
    }
    const answer: SegmentAnswer = {
      success: true,
      messages: read.messages.length,
      mapped: 0,
      kept: 0,
      rejected: 0,
      duplicates: 0,
      errors: [],
    };
    const { byStream, unmapped } = await this.mapped(principal.tenantId, read.messages, receivedAt);
    for (const [stream, lines] of byStream) {
      const result = await this.ingest.ingest(principal, stream, lines, receivedAt);
      answer.mapped += result.accepted;
      answer.rejected += result.rejected;
      answer.duplicates += result.duplicates;
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
      lines.push({ line: message.index + 1, raw: JSON.stringify(row), value: row });
      byStream.set(plan.stream, lines);
    }
    return { byStream, unmapped };
  }

  /**
   * Keeps the messages no rule maps, each messageId once; an erased person's are refused
   * (`erased`) and not kept, as the ingest refuses their rows.
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
    for (const message of messages) {
      if (erased?.({ raw: '', value: { person_id: message.personId } }) === true) {
        answer.rejected++;
        answer.errors.push({ item: message.index, field: message.personField, message: 'erased' });
        continue;
      }
      answer.kept++;
      if (seen.has(message.messageId)) {
        answer.duplicates++;
        continue;
      }
      seen.add(message.messageId);
      kept.push({ message, eventTime: segmentEventTime(message.clock, receivedAt) });
    }
    await this.kept.keep(tenantId, kept, receivedAt);
  }
}
