import type { IncomingMessage } from 'node:http';
import { pipeline, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { IngestErrorCode, IngestException } from './ingest.exception.js';

/**
 * The Content-Encodings a body may come in, and how each is undone: what producers' HTTP
 * clients send when told to compress (analytics-python and Vector gzip, some proxies deflate or
 * br). zstd is left out: Node 20 cannot read it.
 */
const DECODERS: Record<string, (source: AsyncIterable<Buffer>) => AsyncIterable<Buffer>> = {
  gzip: through(createGunzip),
  'x-gzip': through(createGunzip),
  deflate: inflated,
  br: through(createBrotliDecompress),
};

/** The source through a decompressor; pipeline, not pipe: a source that fails fails it too. */
function through(
  decoder: () => Transform,
): (source: AsyncIterable<Buffer>) => AsyncIterable<Buffer> {
  return (source) => pipeline(source, decoder(), () => undefined) as AsyncIterable<Buffer>;
}

/**
 * A deflate body inflated: `deflate` is the zlib format (RFC 9110 §8.4.1.2), but some clients send
 * the bare deflate stream under that name, as browsers have always accepted. A zlib stream opens
 * with a header whose first byte names the method (8) and whose two bytes are a multiple of 31
 * (RFC 1950 §2.2); anything else is read as a bare stream.
 */
async function* inflated(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const chunks = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await chunks.next();
    if (next.done === true) {
      break;
    }
    head = Buffer.concat([head, next.value]);
  }
  const zlib = head.length >= 2 && (head[0] & 0x0f) === 8 && head.readUInt16BE(0) % 31 === 0;
  async function* whole(): AsyncGenerator<Buffer> {
    yield head;
    for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
      yield next.value;
    }
  }
  yield* through(zlib ? createInflate : createInflateRaw)(whole());
}

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
  const decode = DECODERS[encoding];
  if (decode === undefined) {
    throw new UnsupportedEncodingError(encoding);
  }
  return worded(decode(request as AsyncIterable<Buffer>), encoding);
}
