/**
 * @kyso/core/register-sqlite — the certification register on SQLite (better-sqlite3, an optional peer dependency:
 * install it where the register is used). Kept out of the package root so code that only signs or verifies needs
 * neither the native module nor its types.
 */
export { openSqliteRegister, SqliteRegister, type SqliteRegisterOptions } from './sqlite-register.js';
export { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.js';
export { applyMigrations } from './migrate.js';
export { openSqliteJournal, SqliteJournal } from './sqlite-journal.js';
