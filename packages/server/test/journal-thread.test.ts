/**
 * The SQLite journal on its own thread: a record resolves only once it is committed (another connection sees it),
 * records asked for together are all kept, in order; a closed journal and a thread that stops with a record
 * pending fail closed (JOURNAL_STORAGE), and the next record starts the thread again.
 *
 * The thread runs the built packages/server/dist/db/journal-worker.js (`pnpm build` first).
 */
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { JournalRecordInput } from '@kyso/core';
import { repoRoot } from '../../../tests/helpers/producers.js';
import { scratch } from '../../../tests/helpers/tools.js';
import { JournalThread, journalWorkerUrl } from '../src/db/journal-thread.js';

const tmp = scratch('kyso-journal-thread-');
afterAll(() => tmp.cleanup());

const Database = createRequire(join(repoRoot, 'packages/core/package.json'))('better-sqlite3') as typeof BetterSqlite3;
const rows = (file: string): { key_alias: string }[] => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT key_alias FROM signing_journal ORDER BY id').all() as { key_alias: string }[];
  } finally {
    db.close();
  }
};

const input = (keyAlias: string): JournalRecordInput => ({
  source: 'service',
  operation: 'sign',
  unit: 'UBND phường Kinh Bắc',
  keyAlias,
  signerName: 'Nguyễn Văn A',
  signerCertSha256: 'a'.repeat(64),
  level: 'B-B',
  documentSha256: 'b'.repeat(64),
});

describe('JournalThread', () => {
  it('resolves each record once committed, keeps records asked for together in order, lists them', async () => {
    const file = tmp.file('together.sqlite');
    const journal = await JournalThread.open(file);
    try {
      const aliases = Array.from({ length: 40 }, (_, i) => `k${i}`);
      const records = await Promise.all(aliases.map((a) => journal.record(input(a))));
      expect(records.map((r) => r.keyAlias)).toEqual(aliases);
      expect(new Set(records.map((r) => r.id)).size).toBe(40);
      // Committed when resolved: another connection reads them all.
      expect(rows(file).map((r) => r.key_alias)).toEqual(aliases);
      const page = await journal.list({ unit: 'UBND phường Kinh Bắc' }, { limit: 5 });
      expect(page.records.map((r) => r.keyAlias)).toEqual(aliases.slice(0, 5));
      expect(page.nextCursor).toBe(String(records[4]!.id));
      await expect(journal.record({ ...input('bad'), documentSha256: 'not a hash' })).rejects.toMatchObject({
        code: 'JOURNAL_BAD_INPUT',
      });
    } finally {
      await journal.close();
    }
  });

  it('refuses records once closed (JOURNAL_STORAGE), after committing what was asked before', async () => {
    const file = tmp.file('closed.sqlite');
    const journal = await JournalThread.open(file);
    const before = journal.record(input('before-close'));
    await journal.close();
    await expect(before).resolves.toMatchObject({ keyAlias: 'before-close' });
    await expect(journal.record(input('after-close'))).rejects.toMatchObject({ code: 'JOURNAL_STORAGE' });
    expect(rows(file).map((r) => r.key_alias)).toEqual(['before-close']);
  });

  it('fails the record pending when the thread stops (JOURNAL_STORAGE) and starts a new thread for the next', async () => {
    const file = tmp.file('crash.sqlite');
    // The real worker, behind a listener that stops the thread when it sees the alias "crash".
    const worker = tmp.file('crashing-journal-worker.mjs');
    writeFileSync(
      worker,
      [
        "import { parentPort } from 'node:worker_threads';",
        "parentPort.on('message', (m) => { if (m.type === 'record' && m.input.keyAlias === 'crash') process.exit(3); });",
        `await import(${JSON.stringify(journalWorkerUrl().href)});`,
      ].join('\n'),
    );
    const journal = await JournalThread.open(file, pathToFileURL(worker));
    try {
      await journal.record(input('first'));
      await expect(journal.record(input('crash'))).rejects.toMatchObject({ code: 'JOURNAL_STORAGE' });
      await expect(journal.record(input('after'))).resolves.toMatchObject({ keyAlias: 'after' });
      expect(rows(file).map((r) => r.key_alias)).toEqual(['first', 'after']);
    } finally {
      await journal.close();
    }
  });
});
