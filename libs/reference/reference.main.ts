// `npm run docs:streams`: writes the stream reference page from the streams' declarations.
// reference.spec.ts fails when the committed page drifts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../storage/index.js';
import { STREAM_REFERENCE_PATH, streamReference } from './stream-reference.js';

writeFileSync(join(projectRoot(), STREAM_REFERENCE_PATH), streamReference());
process.stdout.write(`wrote ${STREAM_REFERENCE_PATH}\n`);
