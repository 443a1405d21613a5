/**
 * The journal thread: @kyso/core's SQLite journal, its synchronous commits and fsyncs away from the request thread.
 * Requests are answered in the order they came; records that arrive while a commit runs share the next one.
 *
 * Started by JournalThread from the built file (dist/db/journal-worker.js), never imported.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteJournal, type SqliteJournal } from '@kyso/core/register-sqlite';
import { toWorkerError } from '../workers/protocol.js';
import type { JournalReply, JournalRequest, JournalThreadInit } from './journal-protocol.js';

const port = parentPort;
if (!port) throw new Error('kyso journal worker: start it as a worker thread (JournalThread)');
const post = (m: JournalReply): void => port.postMessage(m);
const init = workerData as JournalThreadInit;

let journal: SqliteJournal;
try {
  journal = openSqliteJournal(init.path);
} catch (e) {
  post({ type: 'init-failed', error: toWorkerError(e) });
  process.exit(1);
}

const answer = (id: number, work: Promise<unknown>): void => {
  work.then(
    (value) => post({ type: 'done', id, value }),
    (e) => post({ type: 'failed', id, error: toWorkerError(e) }),
  );
};

port.on('message', (m: JournalRequest) => {
  if (m.type === 'record') answer(m.id, journal.record(m.input));
  else if (m.type === 'list') answer(m.id, journal.list(m.query, m.page));
  // After the answers of what was pending have been posted (they settle in the close's flush).
  else if (m.type === 'close') void journal.close().finally(() => setImmediate(() => port.close()));
});
post({ type: 'ready' });
