/**
 * Where the CLI's register and journal are: `--db` / `--journal` take a SQLite file, or a PostgreSQL URL
 * (postgres://… or postgresql://…), the database several service instances share. The store's module is loaded
 * only when used, so a SQLite run never loads the PostgreSQL driver and the other way round.
 */
import type { CertificationRegister, SigningJournal } from '@kyso/core';

const POSTGRES = /^postgres(ql)?:\/\//;

/** True for a PostgreSQL URL (else the value is a file path). */
export function isPostgresUrl(location: string): boolean {
  return POSTGRES.test(location);
}

export async function openRegisterAt(location: string): Promise<CertificationRegister> {
  if (isPostgresUrl(location)) {
    const { openPostgresRegister } = await import('@kyso/core/register-postgres');
    return openPostgresRegister({ url: location });
  }
  const { openSqliteRegister } = await import('@kyso/core/register-sqlite');
  return openSqliteRegister(location);
}

export async function openJournalAt(location: string): Promise<SigningJournal> {
  if (isPostgresUrl(location)) {
    const { openPostgresJournal } = await import('@kyso/core/register-postgres');
    return openPostgresJournal({ url: location });
  }
  const { openSqliteJournal } = await import('@kyso/core/register-sqlite');
  return openSqliteJournal(location);
}
