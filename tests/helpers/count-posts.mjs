/**
 * Preloaded into `kyso` by a test (NODE_OPTIONS=--import): appends one line per HTTP POST (an OCSP request), with the
 * thread that sent it, to the file named by KYSO_TEST_POST_LOG. Counts at node:http, below kyso's own fetch.
 */
import http from 'node:http';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { threadId } from 'node:worker_threads';

const log = process.env.KYSO_TEST_POST_LOG;
if (log) {
  const request = http.request;
  http.request = function (...args) {
    const options = args.find((a) => a !== null && typeof a === 'object' && !(a instanceof URL));
    if (String(options?.method).toUpperCase() === 'POST') appendFileSync(log, `${threadId}\n`);
    return request.apply(this, args);
  };
  syncBuiltinESMExports(); // `import { request } from 'node:http'` sees the counting one too
}
