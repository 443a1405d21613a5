/**
 * The register's stores for one shared, parameterised suite: each register test runs on SQLite (a file in a scratch
 * directory) and on PostgreSQL (a fresh database in a throw-away cluster, one cluster per test file, started on
 * first use). `sql` reads a store's tables directly, for the invariants a test checks below the API.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { CertificationRegister, RegisterRulesOptions } from '@kyso/core';
import { openSqliteRegister } from '@kyso/core/register-sqlite';
import { openPostgresRegister } from '@kyso/core/register-postgres';
import { startPostgres, type PostgresCluster } from '../../../../tests/helpers/postgres.js';

export type StoreName = 'sqlite' | 'postgres';
export const STORE_NAMES: readonly StoreName[] = ['sqlite', 'postgres'];

export interface RegisterStoreCase {
  name: StoreName;
  /** A new, empty register's location: an SQLite file path or a postgres:// URL. */
  location(): Promise<string>;
  /** Opens the register at `location` (another instance, when it is already open). */
  open(
    location: string,
    options?: RegisterRulesOptions & { poolSize?: number; statementTimeoutMs?: number },
  ): Promise<CertificationRegister>;
  /** Rows of a plain SQL query (`$1`-style parameters are written as `?` and translated for PostgreSQL). */
  sql<R = Record<string, unknown>>(location: string, query: string, args?: unknown[]): Promise<R[]>;
}

export interface RegisterStores {
  get(name: StoreName): RegisterStoreCase;
  /** Closes every register opened here and stops the cluster. */
  stop(): Promise<void>;
}

export function registerStores(tmp: { file(name: string): string }): RegisterStores {
  let cluster: Promise<PostgresCluster> | undefined;
  const opened: CertificationRegister[] = [];
  let n = 0;
  const track = <T extends CertificationRegister>(r: T) => (opened.push(r), r);
  const sqlite: RegisterStoreCase = {
    name: 'sqlite',
    location: async () => tmp.file(`store-${process.pid}-${++n}.sqlite`),
    open: async (location, options = {}) => track(openSqliteRegister(location, options)),
    async sql<R>(location: string, query: string, args: unknown[] = []) {
      const db = new Database(location);
      try {
        const stmt = db.prepare(query);
        if (stmt.reader) return stmt.all(...args) as R[];
        stmt.run(...args);
        return [];
      } finally {
        db.close();
      }
    },
  };
  const postgres: RegisterStoreCase = {
    name: 'postgres',
    location: async () => (await (cluster ??= startPostgres())).createDatabase(),
    open: async (url, options = {}) => track(await openPostgresRegister({ url, poolSize: 4, ...options })),
    async sql<R>(url: string, query: string, args: unknown[] = []) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        let i = 0;
        return (
          await client.query(
            query.replace(/\?/g, () => `$${++i}`),
            args,
          )
        ).rows as R[];
      } finally {
        await client.end();
      }
    },
  };
  return {
    get: (name) => (name === 'sqlite' ? sqlite : postgres),
    async stop() {
      await Promise.allSettled(opened.map((r) => r.close()));
      if (cluster) await (await cluster).stop();
    },
  };
}
