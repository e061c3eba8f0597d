// The benchmark of issue 6: a seeded 10-million-firing program, ingest, queries, memory and
// concurrency measured against hand-written baselines, reported as a table.
export { benchPlan, type BenchOptions, type BenchPlan } from './plan.js';
export { README_END, README_START, resultsTable, TARGETS, writeReadme } from './report.js';
export { runBenchmark, type BenchResults } from './run.js';
export { freePort } from './processes.js';
