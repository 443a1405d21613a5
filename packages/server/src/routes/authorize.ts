/** Which signing keys a caller may use. */
import type { Principal } from '../auth/api-keys.js';
import type { ApiKeyScope } from '../config/schema.js';
import { ServiceError } from '../errors.js';
import type { KeyEntry, KeyRing } from '../keys/key-ring.js';

/** The key under `alias` if `principal` may sign with it: 403 when not allowed, 404 when there is no such key. */
export function keyFor(principal: Principal | null, keyRing: KeyRing, alias: string): KeyEntry {
  if (!principal) throw new ServiceError('SERVICE_UNAUTHENTICATED');
  // Refuse before saying whether the alias exists, so a key cannot probe the aliases it may not use.
  if (!principal.aliases.includes(alias))
    throw new ServiceError('SERVICE_FORBIDDEN', { key: alias }, `this API key may not sign with "${alias}"`);
  const entry = keyRing.get(alias);
  if (!entry) throw new ServiceError('SERVICE_UNKNOWN_KEY_ALIAS', { key: alias });
  return entry;
}

/** The principal if its API key holds `scope` (403 otherwise; 401 without a key). */
export function requireScope(principal: Principal | null, scope: ApiKeyScope): Principal {
  if (!principal) throw new ServiceError('SERVICE_UNAUTHENTICATED');
  if (!principal.scopes.includes(scope))
    throw new ServiceError('SERVICE_FORBIDDEN', { scope }, `this API key lacks the "${scope}" scope`);
  return principal;
}
