/**
 * Opens the service's stores from `database`: with `database.url` (PostgreSQL) the register, the signing journal and
 * the two-step sessions live in that database, shared by every instance on it; without, the embedded SQLite files
 * (the register and journal in certification.register, the sessions in database.path). One place decides, so the
 * three never end up split between the two kinds.
 */
import type { CertificationRegister, SigningJournal } from '@kyso/core';
import { openSqliteJournal, openSqliteRegister, type SqliteRegisterOptions } from '@kyso/core/register-sqlite';
import type { ServiceConfig } from '../config/schema.js';
import { configError } from '../config/load.js';
import { openDatabase } from './database.js';
import { openPostgres, redactUrl } from './postgres.js';
import { PgSessionStore } from '../sessions/pg-session-store.js';
import type { SessionLimits, SessionStore } from '../sessions/session-store.js';
import { SqliteSessionStore } from '../sessions/sqlite-session-store.js';

export interface Stores {
  kind: 'sqlite' | 'postgres';
  /** Where the state is, for the start-up log (a PostgreSQL password shown as ***). */
  where: string;
  sessions: SessionStore;
  register: CertificationRegister;
  journal: SigningJournal;
  /** Closes the journal, the register and the sessions (their pools), in that order. */
  close(): Promise<void>;
}

export function sessionLimits(config: ServiceConfig): SessionLimits {
  const s = config.sessions;
  return {
    maxPerKey: s.maxPerKey,
    maxBytesPerKey: s.maxBytesPerKey,
    maxTotalBytes: s.maxTotalBytes,
    completedRetentionMs: s.completedRetentionSeconds * 1000,
    expiredNoticeMs: s.expiredNoticeSeconds * 1000,
  };
}

export async function openStores(config: ServiceConfig, now: () => number, onIdleError: (e: Error) => void): Promise<Stores> {
  const d = config.certification.deadlines;
  const deadlines = {
    calendar: { weekend: d.weekend, extraDaysOff: d.extraDaysOff, extraWorkdays: d.extraWorkdays },
    policy: { cutoff: d.cutoff, closeOfBusiness: d.closeOfBusiness },
  };
  const { url, poolSize, statementTimeoutMs } = config.database;
  let sessions: SessionStore | undefined;
  let register: CertificationRegister | undefined;
  let journal: SigningJournal | undefined;
  try {
    if (url) {
      sessions = new PgSessionStore(await openPostgres({ url, poolSize, statementTimeoutMs, onIdleError }), sessionLimits(config), now);
      ({ register, journal } = await openPostgresRegisterAndJournal({ url, poolSize, statementTimeoutMs, deadlines }));
    } else {
      sessions = new SqliteSessionStore(openDatabase(config.database.path!), sessionLimits(config), now);
      register = openSqliteRegister(config.certification.register!, { deadlines });
      journal = openSqliteJournal(config.certification.register!);
    }
  } catch (e) {
    await journal?.close();
    await register?.close();
    await sessions?.close();
    throw e;
  }
  const opened = { sessions, register, journal };
  return {
    kind: url ? 'postgres' : 'sqlite',
    where: url ? redactUrl(url) : `${config.database.path} (sessions), ${config.certification.register} (register)`,
    ...opened,
    async close() {
      await opened.journal.close();
      await opened.register.close();
      await opened.sessions.close();
    },
  };
}

async function openPostgresRegisterAndJournal(_: {
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
  deadlines: SqliteRegisterOptions['deadlines'];
}): Promise<{ register: CertificationRegister; journal: SigningJournal }> {
  throw configError('database.url: the PostgreSQL register is not in this build yet');
}
