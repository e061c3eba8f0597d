// The benchmark: a seeded 10-million-firing program, ingest, queries, memory and
// concurrency measured against hand-written baselines, reported as a table.
export { benchParts, benchPlan, type BenchOptions, type BenchPlan } from './plan.js';
export { MEASURES } from './measures.js';
export { README_END, README_START, resultsTable, TARGETS, writeReadme } from './report.js';
export { runBenchmark, type BenchResults } from './run.js';
export {
  freePort,
  redisAvailable,
  startRedis,
  stopChild,
  waitFor,
  type RedisChild,
} from './processes.js';
