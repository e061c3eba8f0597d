import type { IncomingMessage } from 'node:http';
import { pipeline, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { IngestErrorCode, IngestException } from './ingest.exception.js';

/**
 * The Content-Encodings a body may come in, and how each is undone: what producers' HTTP
 * clients send when told to compress (analytics-python and Vector gzip, some proxies deflate or
 * br). zstd is left out: Node 20 cannot read it.
 */
const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** The encodings {@link decodedBody} reads, as an Accept-Encoding header lists them. */
export const ACCEPTED_ENCODINGS = ['identity', ...Object.keys(DECODERS)].join(', ');

/**
 * A body in a Content-Encoding not read here; the API answers 415 with the encodings it reads in
 * Accept-Encoding (RFC 9110 §15.5.16). Thrown before a byte of the body is read.
 */
export class UnsupportedEncodingError extends Error {
  constructor(readonly encoding: string) {
    super(
      `Content-Encoding ${encoding} is not read here (send ${ACCEPTED_ENCODINGS}); nothing was stored`,
    );
    this.name = 'UnsupportedEncodingError';
  }
}

/** Re-raises a decompressor's failure as the client's error, in words. */
async function* worded(decoded: AsyncIterable<Buffer>, encoding: string): AsyncGenerator<Buffer> {
  try {
    yield* decoded;
  } catch (error) {
    throw new IngestException(
      IngestErrorCode.InvalidRequest,
      `the body is not valid ${encoding} (${(error as Error).message}); nothing was stored`,
      { cause: error },
    );
  }
}

/**
 * The request body as its producer wrote it: inflated when sent with a Content-Encoding (the byte
 * limits of the callers then apply to the inflated bytes, so a small compressed body cannot
 * unfold past them). An encoding not read here is refused before any byte is read, naming the
 * ones that are.
 */
export function decodedBody(request: IncomingMessage): AsyncIterable<Buffer> {
  const encoding = request.headers['content-encoding']?.trim().toLowerCase() ?? '';
  if (encoding === '' || encoding === 'identity') {
    return request as AsyncIterable<Buffer>;
  }
  const decoder = DECODERS[encoding];
  if (decoder === undefined) {
    throw new UnsupportedEncodingError(encoding);
  }
  // pipeline, not pipe: a request that fails mid-body fails the decoded stream too
  const decoded = pipeline(request, decoder(), () => undefined);
  return worded(decoded as AsyncIterable<Buffer>, encoding);
}
