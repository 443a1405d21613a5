/**
 * API keys: 256 random bits, shown once to whoever creates them, stored only as their SHA-256 (a fast hash is
 * enough for high-entropy keys; there is nothing to brute-force). Lookup compares every stored hash in constant
 * time, so neither timing nor an early exit tells which key was close.
 */
import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyConfig, ApiKeyScope } from '../config/schema.js';

const PREFIX = 'kyso_';

/** A new API key (`kyso_` + 43 base64url characters). */
export function generateApiKey(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/** The hex SHA-256 stored in the configuration for `key`. */
export function apiKeyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new key and the configuration entry that grants it (what `kyso serve create-key` prints). */
export function createApiKey(entry: Omit<ApiKeyConfig, 'sha256' | 'scopes'> & { scopes?: ApiKeyScope[] }): {
  key: string;
  entry: ApiKeyConfig;
} {
  const key = generateApiKey();
  return { key, entry: { ...entry, scopes: entry.scopes ?? [], sha256: apiKeyHash(key) } };
}

/** The identity an accepted API key gives a request. */
export interface Principal {
  keyId: string;
  unit: string;
  aliases: readonly string[];
  externalCertificates: boolean;
  /** Read rights granted besides signing (config `scopes`). */
  scopes: readonly ApiKeyScope[];
}

export class ApiKeyRegistry {
  private readonly entries: { hash: Buffer; principal: Principal }[];

  constructor(keys: readonly ApiKeyConfig[]) {
    this.entries = keys.map((k) => ({
      hash: Buffer.from(k.sha256, 'hex'),
      principal: {
        keyId: k.id,
        unit: k.unit,
        aliases: [...k.aliases],
        externalCertificates: k.externalCertificates,
        scopes: [...(k.scopes ?? [])],
      },
    }));
  }

  /** The principal of `presented`, or null. Every entry is compared, whatever matches. */
  find(presented: string): Principal | null {
    const h = hash('sha256', presented, 'buffer'); // one call: no Hash object per request
    let found: Principal | null = null;
    for (const e of this.entries) {
      if (timingSafeEqual(h, e.hash) && !found) found = e.principal;
    }
    return found;
  }

  get size(): number {
    return this.entries.length;
  }
}
