import { CodedError } from '../errors/index.js';

export enum SegmentErrorCode {
  /** A body that is not a Segment call: the message names each bad field, and its batch item. */
  InvalidBody = 'SEGMENT_INVALID_BODY',
  /** A mapping rule that cannot be applied: the message names the input field. */
  InvalidMapping = 'SEGMENT_INVALID_MAPPING',
  /** A path under /v1/segment that is not one of its calls. */
  UnknownCall = 'SEGMENT_UNKNOWN_CALL',
}

/** A refusal of the Segment-compatible endpoint or of its mapping rules (docs/design.md §11). */
export class SegmentException extends CodedError<SegmentErrorCode> {}
