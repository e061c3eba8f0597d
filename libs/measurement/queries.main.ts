// `npm run queries`: writes every measurement statement to clickhouse/queries/, one file each, so
// that a change to a query is reviewed as SQL. queries.spec.ts fails when the files drift.
import { QUERY_FILES_DIR, writeQueryFiles } from '../storage/index.js';
import { MEASUREMENT_QUERIES } from './queries.js';

const files = writeQueryFiles(MEASUREMENT_QUERIES);
process.stdout.write(`wrote ${files.length} statements to ${QUERY_FILES_DIR}/\n`);
