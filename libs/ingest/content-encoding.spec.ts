import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { decodedBody, UnsupportedEncodingError } from './content-encoding.js';
import { IngestErrorCode, IngestException } from './ingest.exception.js';

const TEXT = '{"event_id":"s1","person_id":"p1","type":"x","occurred_at":"2026-10-01T00:00:00Z"}\n'
  .repeat(500)
  .trim();

/** A request whose body arrives in small chunks, as a socket delivers it. */
function requestOf(body: Buffer, encoding?: string): IncomingMessage {
  const chunks = Array.from({ length: Math.ceil(body.length / 97) }, (_, i) =>
    body.subarray(i * 97, (i + 1) * 97),
  );
  return Object.assign(Readable.from(chunks), {
    headers: encoding === undefined ? {} : { 'content-encoding': encoding },
  }) as unknown as IncomingMessage;
}

async function textOf(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function refusal(run: () => unknown): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal');
}

describe('decodedBody', () => {
  it('gives the bytes as the producer wrote them, sent plain or compressed', async () => {
    const plain = Buffer.from(TEXT);
    const sent: [string | undefined, Buffer][] = [
      [undefined, plain],
      ['identity', plain],
      ['gzip', gzipSync(plain)],
      [' GZIP ', gzipSync(plain)],
      ['x-gzip', gzipSync(plain)],
      ['deflate', deflateSync(plain)],
      // the bare deflate stream some clients send as deflate
      ['deflate', deflateRawSync(plain)],
      ['br', brotliCompressSync(plain)],
    ];
    for (const [encoding, body] of sent) {
      expect(await textOf(decodedBody(requestOf(body, encoding)))).toBe(TEXT);
    }
    // a bare deflate stream of nothing is two bytes, too few for a zlib header
    const empty = deflateRawSync(Buffer.alloc(0));
    expect(await textOf(decodedBody(requestOf(empty, 'deflate')))).toBe('');
  });

  it('refuses an encoding it does not read before reading, naming those it does', async () => {
    // thrown when called, before the body is read
    const error = await refusal(() => decodedBody(requestOf(Buffer.from(TEXT), 'zstd')));
    expect(error).toBeInstanceOf(UnsupportedEncodingError);
    expect(error.message).toBe(
      'Content-Encoding zstd is not read here (send identity, gzip, x-gzip, deflate, br); nothing was stored',
    );
  });

  it('answers a body that is not what its encoding says as the client error it is', async () => {
    const truncated = gzipSync(Buffer.from(TEXT)).subarray(0, 40);
    for (const [encoding, body] of [
      ['gzip', Buffer.from(TEXT)],
      ['gzip', truncated],
      ['deflate', Buffer.from('not deflate at all')],
    ] as const) {
      const error = await refusal(() => textOf(decodedBody(requestOf(body, encoding))));
      expect(error).toBeInstanceOf(IngestException);
      expect((error as IngestException).code).toBe(IngestErrorCode.InvalidRequest);
      expect(error.message).toMatch(
        new RegExp(`^the body is not valid ${encoding} \\(.+\\); nothing was stored$`),
      );
    }
  });
});
