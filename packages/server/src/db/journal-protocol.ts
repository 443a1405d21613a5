/** The messages between the journal thread (journal-worker.ts) and the service's thread (journal-thread.ts). */
import type { JournalQuery, JournalRecordInput } from '@kyso/core';
import type { WorkerError } from '../workers/protocol.js';

export interface JournalThreadInit {
  /** The SQLite file (the register's). */
  path: string;
}

/** Service thread → journal thread. */
export type JournalRequest =
  | { type: 'record'; id: number; input: JournalRecordInput }
  | { type: 'list'; id: number; query: JournalQuery; page: { limit?: number; after?: string } }
  | { type: 'close'; id: number };

/** Journal thread → service thread: `done` only once the row is committed. */
export type JournalReply =
  | { type: 'ready' }
  | { type: 'init-failed'; error: WorkerError }
  | { type: 'done'; id: number; value: unknown }
  | { type: 'failed'; id: number; error: WorkerError };
