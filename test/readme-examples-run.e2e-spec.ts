// Every example of the README runs as pasted against an API serving the demo program: each
// ```graphql block as one request (a block is one operation, as GraphiQL runs a paste), and each
// ```bash block that calls the demo's API with curl (localhost:3000, $KEY, $CAUSEWAY_ADMIN_KEY).
// A block followed by a ```json answer that shows "errors" documents a refusal: it must be refused.
// A failure names the block by its line in README.md and its first line.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { graphql, mintKey } from './support/client.js';
import { uploadDemoProgram } from './support/demo-program.js';
import { startApi, type ApiProcess } from './support/processes.js';

interface Block {
  lang: string;
  /** 1-based line of the opening fence in README.md. */
  line: number;
  text: string;
  /** The ```json block right after it, if any. */
  answer?: string;
}

/** The fenced blocks of a Markdown text, each with the block that follows it. */
export function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (open === null) {
      continue;
    }
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    const block: Block = { lang: open[1], line: i + 1, text: lines.slice(i + 1, end).join('\n') };
    const previous = blocks.at(-1);
    if (
      block.lang === 'json' &&
      previous !== undefined &&
      previous.line + countLines(previous) + 2 === block.line
    ) {
      previous.answer = block.text;
    }
    blocks.push(block);
    i = end;
  }
  return blocks;
}

const countLines = (block: Block) => block.text.split('\n').length;
const where = (block: Block) => `README.md line ${block.line} (${block.text.split('\n')[0]})`;
const README = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
const BLOCKS = fencedBlocks(README);
const GRAPHQL = BLOCKS.filter((b) => b.lang === 'graphql');
// curl blocks aimed at the demo's API; other bash blocks install, build or start things
const CURL = BLOCKS.filter((b) => b.lang === 'bash' && /curl[^\n]*localhost:3000/.test(b.text));

describe('the README examples, run against the demo', () => {
  let api: ApiProcess;
  let key: string;

  beforeAll(async () => {
    api = await startApi();
    key = await mintKey(api.url, api.adminKey, 'demo', ['INGEST', 'READ']);
    await uploadDemoProgram(api.url, key, { seed: 42, persons: 3_000 });
  });
  afterAll(async () => {
    await api?.dispose();
  });

  it('finds the examples', () => {
    expect(GRAPHQL.length).toBeGreaterThanOrEqual(8);
    expect(CURL.length).toBeGreaterThanOrEqual(1);
  });

  it('serves the streams JSON Schema without a key, as the README says', async () => {
    const response = await fetch(`${api.url}/v1/streams`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { streams: Record<string, { $schema: string }> };
    expect(Object.keys(body.streams)).toEqual([
      'signals',
      'triggers',
      'firings',
      'exposures',
      'outcomes',
      'consent',
    ]);
    expect(body.streams.firings.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('runs every graphql block as one named operation', async () => {
    const failures: string[] = [];
    for (const block of GRAPHQL) {
      const operations = parse(block.text).definitions.filter(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
      );
      if (operations.length !== 1 || operations[0].name === undefined) {
        failures.push(
          `${where(block)}: holds ${operations.length} operation(s); paste one named operation`,
        );
        continue;
      }
      // a webhook's URL is resolved and called: it needs the network, which tests do not have
      if (block.text.includes('createWebhook(')) {
        continue;
      }
      const result = await graphql(api.url, key, block.text);
      const refusalDocumented = block.answer?.includes('"errors"') === true;
      if (refusalDocumented !== (result.errors !== undefined)) {
        failures.push(
          `${where(block)}: ${refusalDocumented ? 'was expected to be refused but answered' : 'failed'}: ${JSON.stringify(result.errors ?? result.data).slice(0, 300)}`,
        );
      }
    }
    expect(failures).toEqual([]);
  });

  it('runs every curl block that targets the demo', () => {
    const failures: string[] = [];
    // a block may write a file (-o lift-report.html): it runs in a directory of its own
    const cwd = mkdtempSync(join(tmpdir(), 'causeway-readme-'));
    for (const block of CURL) {
      const script = `set -euo pipefail\n${block.text.replaceAll('localhost:3000', api.url.replace('http://', ''))}`;
      try {
        const output = execFileSync('bash', ['-c', script], {
          env: { PATH: process.env.PATH ?? '', KEY: key, CAUSEWAY_ADMIN_KEY: api.adminKey },
          encoding: 'utf8',
          timeout: 60_000,
          cwd,
        });
        // a GraphQL error answer starts with "errors"; an HTTP error carries its status (an
        // ingest answer's own `errors` list, the rejected lines, is what its example shows)
        if (/^\{"errors"|"statusCode":\s*[45]\d\d/m.test(output)) {
          failures.push(`${where(block)}: answered an error: ${output.slice(0, 300)}`);
        }
      } catch (error) {
        failures.push(`${where(block)}: ${(error as Error).message.slice(0, 300)}`);
      }
    }
    rmSync(cwd, { recursive: true, force: true });
    expect(failures).toEqual([]);
  });
});
