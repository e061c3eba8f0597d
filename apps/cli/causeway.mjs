// `npm run causeway -- ...`: builds only when a source changed (build-if-stale.mjs), then runs the
// built CLI in this same process, so a command pays for one Node start, not two.
import { buildIfStale } from './build-if-stale.mjs';

buildIfStale();
await import('../../dist/apps/cli/main.js');
