/**
 * The register under several operating-system processes on one store — one SQLite file, or one PostgreSQL
 * database (each process an instance with its own pool): numbers stay exactly 1..N with no duplicate when processes
 * certify at once, and a process SIGKILLed at any point (after reserving, or in the middle of a transaction) leaves
 * no gap, no orphan number and no half entry; a retry with the same key completes.
 *
 * The worker (workers/register-worker.ts) is bundled from the current sources with esbuild, beside
 * packages/core/node_modules so that it finds better-sqlite3 and pg the way the library does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { CertificationRegister } from '@kyso/core';
import { WORKER_AUTHORITY, buildECopy, requestFor } from './workers/register-requests.js';
import { scratch } from '../../../tests/helpers/tools.js';
import { STORE_NAMES, registerStores, type RegisterStoreCase } from './helpers/register-stores.js';

const coreDir = fileURLToPath(new URL('..', import.meta.url));
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const bundleDir = join(coreDir, 'node_modules', '.cache', `kyso-register-worker-${process.pid}`);
const worker = join(bundleDir, 'register-worker.mjs');
const tmp = scratch('kyso-register-procs-');
const stores = registerStores(tmp);

beforeAll(async () => {
  mkdirSync(bundleDir, { recursive: true });
  await build({
    entryPoints: [join(coreDir, 'test', 'workers', 'register-worker.ts')],
    outfile: worker,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'pg'],
    alias: Object.fromEntries(
      ['pdf', 'verify'].map((p) => [`@kyso/${p}`, join(repo, 'packages', p, 'src', 'index.ts')]),
    ),
    logLevel: 'error',
  });
});
afterAll(async () => {
  await stores.stop();
  rmSync(bundleDir, { recursive: true, force: true });
  tmp.cleanup();
});

interface Line {
  key: string;
  seqNo: number;
  sha256?: string | null;
  resumed?: boolean;
  state?: string;
}

interface Running {
  child: ChildProcess;
  lines: Line[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves once `n` lines have been printed. */
  waitLines(n: number): Promise<void>;
}

function start(args: Record<string, unknown>): Running {
  const child = spawn(process.execPath, [worker, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let buf = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buf.slice(0, i)) as Line);
      buf = buf.slice(i + 1);
    }
    for (const w of waiters.filter((w) => lines.length >= w.n)) w.resolve();
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => {
      for (const w of waiters) w.resolve(); // nobody waits forever on a dead worker
      resolve({ code, signal, stderr });
    }),
  );
  return {
    child,
    lines,
    exited,
    waitLines: (n) =>
      lines.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })),
  };
}

async function freshDb(store: RegisterStoreCase): Promise<string> {
  const location = await store.location();
  const reg = await store.open(location);
  await reg.upsertAuthority(WORKER_AUTHORITY);
  await reg.close();
  return location;
}

/** The book's invariants, read with plain SQL: 1..N, each number one entry of one request, nothing half-written. */
async function checkBook(store: RegisterStoreCase, location: string): Promise<{ n: number; pending: string[] }> {
  if (store.name === 'sqlite') {
    expect(await store.sql(location, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect(await store.sql(location, 'PRAGMA foreign_key_check')).toEqual([]);
  }
  const seqs = (await store.sql<{ seq_no: number }>(location, 'SELECT seq_no FROM entries ORDER BY seq_no')).map(
    (r) => r.seq_no,
  );
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  const reqs = await store.sql<{ key: string; state: string; n: number }>(
    location,
    'SELECT r.idempotency_key AS key, r.state, CAST(COUNT(e.id) AS INTEGER) AS n FROM requests r LEFT JOIN entries e ON e.request_id = r.id GROUP BY r.id',
  );
  expect(reqs.every((r) => r.n === 1)).toBe(true); // one original per request: no request without its entry
  expect(reqs).toHaveLength(seqs.length);
  const [halfIssued] = await store.sql<{ n: number }>(
    location,
    "SELECT CAST(COUNT(*) AS INTEGER) AS n FROM entries e JOIN requests r ON r.id = e.request_id WHERE e.state <> r.state OR (e.state = 'issued' AND e.ecopy_sha256 IS NULL)",
  );
  expect(halfIssued!.n).toBe(0);
  const [storedWithoutIssue] = await store.sql<{ n: number }>(
    location,
    "SELECT CAST(COUNT(*) AS INTEGER) AS n FROM ecopies c JOIN entries e ON e.id = c.entry_id WHERE e.state <> 'issued'",
  );
  expect(storedWithoutIssue!.n).toBe(0);
  return { n: seqs.length, pending: reqs.filter((r) => r.state === 'pending').map((r) => r.key) };
}

/** What a retry does: reserve again with the same key (same request), rebuild the e-copy, complete. */
async function retry(reg: CertificationRegister, key: string): Promise<number> {
  const { request, resumed } = await reg.reserve(requestFor(key));
  expect(resumed).toBe(true);
  const entry = request.entries[0];
  const pdf = buildECopy(key, entry.seqNo);
  await reg.complete(request.id, {
    eCopies: [{ entryId: entry.id, sha256: createHash('sha256').update(pdf).digest('hex'), pdf }],
  });
  return entry.seqNo;
}

describe.each(STORE_NAMES)('on %s', (storeName) => {
  const store = stores.get(storeName);

  describe('several processes on one register', () => {
    it('5 processes certifying 20 requests each at once get exactly the numbers 1..100', async () => {
      const db = await freshDb(store);
      const workers = Array.from({ length: 5 }, (_, w) => start({ db, mode: 'certify', prefix: `w${w}`, count: 20 }));
      const results = await Promise.all(workers.map((w) => w.exited));
      for (const r of results) expect(r).toMatchObject({ code: 0, stderr: '' });
      const all = workers.flatMap((w) => w.lines.map((l) => l.seqNo));
      expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      for (const w of workers) {
        const mine = w.lines.map((l) => l.seqNo);
        expect(mine).toEqual([...mine].sort((a, b) => a - b)); // each process sees its numbers increase
      }
      expect(await checkBook(store, db)).toEqual({ n: 100, pending: [] });
      const reg = await store.open(db);
      const entries = await reg.listEntries({ authorityId: WORKER_AUTHORITY.id });
      expect(entries.every((e) => e.state === 'issued' && e.fee > 0)).toBe(true);
      expect(new Set(entries.map((e) => e.eCopySha256)).size).toBe(100);
      await reg.close();
    });
  });

  describe('reading the register across processes', () => {
    it('readers paging through the book while 3 processes certify see every number once and in order; a final listing equals what the writers wrote', async () => {
      const db = await freshDb(store);
      const writers = Array.from({ length: 3 }, (_, w) => start({ db, mode: 'certify', prefix: `rw${w}`, count: 15 }));
      const readers = Array.from({ length: 2 }, () =>
        start({ db, mode: 'list', prefix: WORKER_AUTHORITY.id, count: 4, rounds: 5 }),
      );
      for (const r of await Promise.all([...writers, ...readers].map((p) => p.exited)))
        expect(r).toMatchObject({ code: 0, stderr: '' });
      // A page never repeats or skips: within a round, numbers strictly increase from 1 with no hole.
      for (const r of readers) {
        const rounds = new Map<string, number[]>();
        for (const l of r.lines) rounds.set(l.key, [...(rounds.get(l.key) ?? []), l.seqNo]);
        for (const seqs of rounds.values()) expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      }
      const written = new Map(writers.flatMap((w) => w.lines.map((l) => [l.seqNo, l.sha256] as const)));
      expect(written.size).toBe(45);
      const final = start({ db, mode: 'list', prefix: WORKER_AUTHORITY.id, count: 7 });
      expect(await final.exited).toMatchObject({ code: 0, stderr: '' });
      expect(final.lines.map((l) => [l.seqNo, l.sha256])).toEqual([...written].sort((a, b) => a[0] - b[0]));
      expect(final.lines.every((l) => l.state === 'issued')).toBe(true);
      expect(await checkBook(store, db)).toEqual({ n: 45, pending: [] });
    });
  });

  describe('a process killed mid-way', () => {
    it('SIGKILL after reserving and before completing: the number stays pending, nobody else takes it, and a retry with the same key completes it', async () => {
      const db = await freshDb(store);
      const victim = start({ db, mode: 'reserve-and-hang', prefix: 'crash-1' });
      await victim.waitLines(1);
      expect(victim.lines[0]).toMatchObject({ key: 'crash-1', seqNo: 1, state: 'pending' });
      victim.child.kill('SIGKILL');
      expect((await victim.exited).signal).toBe('SIGKILL');
      expect(await checkBook(store, db)).toEqual({ n: 1, pending: ['crash-1'] });

      const others = start({ db, mode: 'certify', prefix: 'after', count: 3 });
      expect((await others.exited).code).toBe(0);
      expect(others.lines.map((l) => l.seqNo)).toEqual([2, 3, 4]);

      const reg = await store.open(db);
      expect(await retry(reg, 'crash-1')).toBe(1);
      const { request } = await reg.reserve(requestFor('crash-1'));
      expect(request.state).toBe('issued');
      await reg.close();
      expect(await checkBook(store, db)).toEqual({ n: 4, pending: [] });
    });

    it('SIGKILL at arbitrary points while 3 processes certify in a loop: no gap, no orphan, no half entry; retries complete every pending request', async () => {
      const db = await freshDb(store);
      const loops = Array.from({ length: 3 }, (_, w) => start({ db, mode: 'loop', prefix: `loop${w}` }));
      await Promise.all(loops.map((l) => l.waitLines(8)));
      // Kill them one after another, each at whatever point of reserve → build → complete it has reached.
      for (const l of loops) {
        l.child.kill('SIGKILL');
        await l.exited;
      }
      const { n, pending } = await checkBook(store, db);
      expect(n).toBeGreaterThanOrEqual(24);
      const reg = await store.open(db);
      for (const key of pending) await retry(reg, key);
      // A key a killed process had not reserved yet starts a fresh request with the next number.
      const next = await reg.reserve(requestFor('loop-new'));
      expect(next.resumed).toBe(false);
      expect(next.request.entries[0].seqNo).toBe(n + 1);
      await reg.voidPending(next.request.id, 'Kiểm thử: hủy yêu cầu chưa hoàn tất');
      await reg.close();
      const after = await checkBook(store, db);
      expect(after).toEqual({ n: n + 1, pending: [] });
    });
  });
});
