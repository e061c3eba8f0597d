/**
 * The V8 flags a process that serves the API starts with: `npm start`, `npm run demo` and
 * `npm run causeway` (whose imports serve the API in-process), the benchmark's API and the
 * end-to-end tests' one. V8 takes them only on the command line, not from NODE_OPTIONS nor from
 * inside the process, so whoever runs the built file directly passes them too:
 * `node --initial-heap-size=256 dist/apps/api/main.js`.
 *
 * `--initial-heap-size=256`: the API's own heap holds about 55 MB, beside a young generation that
 * V8 sizes at 64 MB on a server. V8 starts marking the old generation once less room is left under
 * its limit than the young generation holds, and after each collection it sets that limit little
 * above what survived. So under ingest the API ran a full collection every 0.3 s (55 in 20 s),
 * each taking 30–100 ms of the thread that reads the sockets. With a limit of at least 256 MB, only
 * the collections the request bodies' memory (outside the heap) asks for are left: about one a
 * second. Nothing is reserved up front; under load the process holds about 0.2 GB more.
 */
export const API_NODE_FLAGS: readonly string[] = ['--initial-heap-size=256'];

/** The flags of API_NODE_FLAGS that a process was not started with (`process.execArgv`). */
export function missingNodeFlags(execArgv: readonly string[]): string[] {
  return API_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}
