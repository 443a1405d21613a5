/**
 * The SQLite signing journal on a thread of its own. Its commits are synchronous (better-sqlite3) and each ends in
 * an fsync (synchronous = FULL): on the request thread that wait froze every other request — a third of the
 * thread's time under a signing load. Here the request thread only posts the record and awaits the answer, which
 * comes once the row is committed, so "journaled before the PDF is sent" holds as before. The thread runs @kyso/core's
 * SqliteJournal unchanged: the records that reach it while it waits on one commit go together in the next.
 *
 * Fails closed: a record the thread cannot commit, or that is pending when the thread stops, is JOURNAL_STORAGE
 * (503, no PDF sent). A thread that stops unexpectedly is started again for the next call.
 */
import { Worker } from 'node:worker_threads';
import {
  JournalError,
  type JournalPage,
  type JournalQuery,
  type JournalRecord,
  type JournalRecordInput,
  type SigningJournal,
} from '@kyso/core';
import { fromWorkerError } from '../workers/protocol.js';
import { builtWorkerUrl } from '../workers/worker-pool.js';
import type { JournalReply, JournalRequest, JournalThreadInit } from './journal-protocol.js';

interface Waiting {
  resolve: (value: never) => void;
  reject: (e: unknown) => void;
}

/** The built journal worker next to this module (dist/db/journal-worker.js). */
export function journalWorkerUrl(): URL {
  return builtWorkerUrl('db/journal-worker.js');
}

export class JournalThread implements SigningJournal {
  #worker: Worker | null = null;
  #ready: Promise<void> | null = null;
  #waiting = new Map<number, Waiting>();
  #nextId = 1;
  #closed = false;

  private constructor(
    private readonly init: JournalThreadInit,
    private readonly workerUrl: URL,
  ) {}

  /** Opens the journal in the SQLite file at `path` (creating and migrating it) on its thread. */
  static async open(path: string, workerUrl: URL = journalWorkerUrl()): Promise<JournalThread> {
    const journal = new JournalThread({ path }, workerUrl);
    await journal.#start();
    return journal;
  }

  record(input: JournalRecordInput): Promise<JournalRecord> {
    return this.#call({ type: 'record', id: 0, input });
  }

  list(query: JournalQuery = {}, page: { limit?: number; after?: string } = {}): Promise<JournalPage> {
    return this.#call({ type: 'list', id: 0, query, page });
  }

  /** Commits what is pending, closes the file and stops the thread. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const worker = this.#worker;
    if (!worker) return;
    await this.#ready?.catch(() => {});
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ type: 'close', id: 0 } satisfies JournalRequest);
    await exited;
  }

  #start(): Promise<void> {
    const worker = new Worker(this.workerUrl, { workerData: this.init, name: 'kyso-journal' });
    this.#worker = worker;
    let failure: unknown;
    this.#ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: JournalReply) => {
        if (m.type === 'ready') return resolve();
        if (m.type === 'init-failed') {
          failure = fromWorkerError(m.error);
          return reject(failure);
        }
        const w = this.#waiting.get(m.id);
        if (!w) return;
        this.#waiting.delete(m.id);
        if (m.type === 'done') w.resolve(m.value as never);
        else w.reject(fromWorkerError(m.error));
      });
      worker.on('error', (e) => {
        failure ??= e;
      });
      worker.on('exit', () => {
        reject(failure ?? new JournalError('JOURNAL_UNAVAILABLE', { reason: 'thread-exited' }));
        if (this.#worker === worker) this.#worker = null;
        // What it had not answered may or may not be committed: never "written" unless it said so.
        const lost = [...this.#waiting.values()];
        this.#waiting.clear();
        for (const w of lost) w.reject(new JournalError('JOURNAL_STORAGE', {}, 'the journal thread stopped'));
      });
    });
    this.#ready.catch(() => {});
    return this.#ready;
  }

  async #call<T>(request: JournalRequest): Promise<T> {
    if (this.#closed) throw new JournalError('JOURNAL_STORAGE', {}, 'the journal is closed');
    if (!this.#worker) await this.#start().catch(() => {});
    const worker = this.#worker;
    if (!worker) throw new JournalError('JOURNAL_STORAGE', {}, 'the journal thread could not start');
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (v: never) => void, reject });
      worker.postMessage({ ...request, id });
    });
  }
}
