/**
 * Opens the service's stores from `database`: with `database.url` (PostgreSQL) the register, the signing journal and
 * the two-step sessions live in that database, shared by every instance on it; without, the embedded SQLite files
 * (the register and journal in certification.register, the sessions in database.path). One place decides, so the
 * three never end up split between the two kinds.
 */
import type { CertificationRegister, SigningJournal } from '@kyso/core';
import { openPostgresJournal, openPostgresRegister } from '@kyso/core/register-postgres';
import { openSqliteRegister } from '@kyso/core/register-sqlite';
import type { ServiceConfig } from '../config/schema.js';
import { openDatabase } from './database.js';
import { JournalThread } from './journal-thread.js';
import { openPostgres, redactUrl } from './postgres.js';
import { PgSessionStore } from '../sessions/pg-session-store.js';
import type { SessionLimits, SessionStore } from '../sessions/session-store.js';
import { SqliteSessionStore } from '../sessions/sqlite-session-store.js';
import { RateLimiter, type RateLimits } from '../limits/rate-limit.js';
import { type RateFallbackEvent, SharedRateLimiter } from '../limits/shared-rate-limit.js';

export interface Stores {
  kind: 'sqlite' | 'postgres';
  /** Where the state is, for the start-up log (a PostgreSQL password shown as ***). */
  where: string;
  sessions: SessionStore;
  register: CertificationRegister;
  journal: SigningJournal;
  /** Per-key rate limits: shared through PostgreSQL, or this instance's buckets with SQLite. */
  rateLimiter: RateLimits;
  /** Periodic upkeep besides the session purge (ended rate windows). */
  tidy(): Promise<void>;
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

export interface StoreEvents {
  /** An idle PostgreSQL connection failed (the pool replaces it). */
  onIdleError(e: Error): void;
  /** The shared rate limit could not be asked and this instance's bucket answers (reported throttled), or can again. */
  onRateFallback(event: RateFallbackEvent): void;
}

export async function openStores(config: ServiceConfig, now: () => number, events: StoreEvents): Promise<Stores> {
  const d = config.certification.deadlines;
  const deadlines = {
    calendar: { weekend: d.weekend, extraDaysOff: d.extraDaysOff, extraWorkdays: d.extraWorkdays },
    policy: { cutoff: d.cutoff, closeOfBusiness: d.closeOfBusiness },
  };
  const { url, poolSize, statementTimeoutMs } = config.database;
  let sessions: SessionStore | undefined;
  let register: CertificationRegister | undefined;
  let journal: SigningJournal | undefined;
  let shared: SharedRateLimiter | undefined;
  try {
    if (url) {
      const pool = await openPostgres({ url, poolSize, statementTimeoutMs, onIdleError: events.onIdleError });
      sessions = new PgSessionStore(pool, sessionLimits(config), now);
      shared = new SharedRateLimiter(pool, config.limits.rateLimit, now, events.onRateFallback);
      // Each its own pool (the register's numbering holds row locks; sessions and rate limits never wait on them).
      register = await openPostgresRegister({ url, poolSize, statementTimeoutMs, deadlines });
      journal = await openPostgresJournal({ url, poolSize, statementTimeoutMs });
    } else {
      sessions = new SqliteSessionStore(openDatabase(config.database.path!), sessionLimits(config), now);
      register = openSqliteRegister(config.certification.register!, { deadlines });
      // On its own thread: its commits' fsyncs would otherwise hold up every request (journal-thread.ts).
      journal = await JournalThread.open(config.certification.register!);
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
    rateLimiter: shared ?? new RateLimiter(config.limits.rateLimit, now),
    async tidy() {
      await shared?.forgetOld();
    },
    async close() {
      await opened.journal.close();
      await opened.register.close();
      await opened.sessions.close();
    },
  };
}
