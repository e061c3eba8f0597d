import { IngestLimitError } from './limit-error.js';

/**
 * Yields a request body (or its decompressed bytes) chunk by chunk, refusing it once it passes the
 * byte limit, so an oversized body is never held whole.
 */
export async function* limitedBody(
  body: AsyncIterable<Buffer>,
  maxBytes: number,
): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of body) {
    seen += chunk.length;
    if (seen > maxBytes) {
      throw new IngestLimitError('body', maxBytes);
    }
    yield chunk;
  }
}
