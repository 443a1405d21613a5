/**
 * @kyso/core/register-postgres — the certification register and the signing journal on PostgreSQL (node-postgres
 * `pg`, an optional peer dependency: install it where this store is used), for several instances on one database.
 * Kept out of the package root like the SQLite store.
 */
export { openPostgresRegister, PgRegister, PgStore, type PostgresRegisterOptions } from './pg-register.js';
export { openPostgresJournal, PgJournal } from './pg-journal.js';
export { PG_MIGRATIONS, PG_SCHEMA_VERSION, type PgMigration } from './migrations.js';
export { applyPgMigrations, MIGRATION_LOCK_KEY } from './migrate.js';
export type { PgPoolOptions, PgClient, PgPool } from './pool.js';
