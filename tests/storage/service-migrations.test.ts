/**
 * The service's own migrations (sessions, rate windows) on both stores: a database migrated by a newer kyso is
 * refused with a typed error naming both versions, as the register refuses one, and is left as it was; a database
 * at this code's version opens again without change.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KysoError } from '@kyso/core';
import { openDatabase } from '../../packages/server/src/db/database.js';
import { openPostgres } from '../../packages/server/src/db/postgres.js';
import { statusFor } from '../../packages/server/src/errors.js';
import { startPostgres, type PostgresCluster } from '../helpers/postgres.js';
import { startServe } from '../helpers/serve.js';

let cluster: PostgresCluster;
const tmp = mkdtempSync(join(tmpdir(), 'kyso-migrations-'));
beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => {
  await cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function expectTooNew(e: unknown, databaseVersion: number): void {
  expect(e).toBeInstanceOf(KysoError);
  const k = e as KysoError;
  expect(k.code).toBe('SERVICE_DATABASE_SCHEMA_TOO_NEW');
  expect(k.details).toMatchObject({ databaseVersion });
  expect(k.messageVi).not.toMatch(/schema|database|kyso knows/i);
  expect(statusFor(k)).toBe(503);
}

describe('service migrations refuse a newer schema', () => {
  it('SQLite: a version past the known ones is refused, the file untouched; the known version reopens', () => {
    const path = join(tmp, 'sessions.sqlite');
    // A handle opened at this code's version, kept to write what a newer kyso would have written.
    const raw = openDatabase(path);
    const known = (raw.prepare('SELECT MAX(version) AS v FROM kyso_server_migrations').get() as { v: number }).v;
    expect(known).toBeGreaterThan(0);
    openDatabase(path).close(); // the same version: opens
    raw.prepare('INSERT INTO kyso_server_migrations (version, applied_at) VALUES (?, ?)').run(known + 1, Date.now());
    let thrown: unknown;
    try {
      openDatabase(path).close();
    } catch (e) {
      thrown = e;
    }
    expectTooNew(thrown, known + 1);
    expect((thrown as KysoError).details).toMatchObject({ knownVersion: known });
    const after = raw.prepare('SELECT COUNT(*) AS n FROM kyso_server_migrations').get() as { n: number };
    expect(after.n).toBe(known + 1);
    raw.close();
  });

  it('PostgreSQL: a version past the known ones is refused with its own code (not SERVICE_DATABASE_UNAVAILABLE), nothing applied', async () => {
    const url = await cluster.createDatabase();
    // A pool opened at this code's version, kept to write what a newer kyso would have written.
    const raw = await openPostgres({ url, poolSize: 2, statementTimeoutMs: 5_000 });
    try {
      const { rows } = await raw.query<{ v: number }>('SELECT MAX(version) AS v FROM kyso_server_migrations');
      const known = rows[0]!.v;
      await (await openPostgres({ url, poolSize: 1, statementTimeoutMs: 5_000 })).end(); // the same version: opens

      await raw.query('INSERT INTO kyso_server_migrations (version, applied_at) VALUES ($1, $2)', [
        known + 1,
        Date.now(),
      ]);
      const thrown = await openPostgres({ url, poolSize: 1, statementTimeoutMs: 5_000 }).then(
        async (p) => {
          await p.end();
          return undefined;
        },
        (e: unknown) => e,
      );
      expectTooNew(thrown, known + 1);
      expect((thrown as KysoError).details).toMatchObject({ knownVersion: known });
      const after = await raw.query<{ n: string }>('SELECT COUNT(*) AS n FROM kyso_server_migrations');
      expect(Number(after.rows[0]!.n)).toBe(known + 1);

      // What an operator sees: `kyso serve` on that database stops before listening, with the typed error and the
      // configuration exit code (78), as for a register written by a newer kyso.
      const dir = mkdtempSync(join(tmp, 'serve-'));
      writeFileSync(join(dir, 'kyso.json'), JSON.stringify({ dataDir: join(dir, 'data'), database: { url } }));
      const serve = startServe(['--config', join(dir, 'kyso.json'), '--port', '0'], {}, dir);
      expect(await serve.exit).toBe(78);
      expect(serve.stderr()).toContain('SERVICE_DATABASE_SCHEMA_TOO_NEW');
      expect(serve.stderr()).toContain(`schema version ${known + 1}`);
    } finally {
      await raw.end();
    }
  });
});
