/** The refusal both service stores give a database migrated by a newer kyso than this one. */
import { ServiceError } from '../errors.js';

/** A database whose schema is newer than this code knows: refused, as the register refuses one. */
export function schemaTooNew(databaseVersion: number, knownVersion: number): ServiceError {
  return new ServiceError(
    'SERVICE_DATABASE_SCHEMA_TOO_NEW',
    { databaseVersion, knownVersion },
    `schema version ${databaseVersion}, this kyso knows up to ${knownVersion}`,
  );
}
