/**
 * OCSP answers kept for one batch run (as EU DSS and pyHanko keep fetched validation data): a batch of files signed
 * by the same key asks the same responder about the same certificate for every file. The caller creates one cache
 * per run (or per worker) and passes it; nothing is kept without one, so a single validation and the service behave
 * as before.
 *
 * What is kept is the response's DER, never its verdict: a reused answer is checked again for each file
 * (checkOcspResponse: certificate ID, responder, signature, current at that file's validation time per the usual
 * freshness rules). Its nonce matched the request that fetched it; a later file sent no request, so no nonce is
 * checked for it and its attempt says `reused`.
 */
import type { Certificate } from 'pkijs';
import { toHex } from './bytes.js';
import { serialNumber } from './certificates.js';
import { digest, publicKeyBits } from './cert-id.js';
import type { OcspWarning } from './ocsp.js';

export interface OcspCacheOptions {
  /** How long after it was fetched an answer may be reused, whatever its nextUpdate (default 5 minutes). */
  maxAgeMs?: number;
  /** Answers kept at most, the oldest dropped first (default 256: a batch rarely has more signers). */
  maxEntries?: number;
  /** The wall clock, in ms (default Date.now); tests move it. */
  now?: () => number;
}

export interface KeptOcspAnswer {
  der: Uint8Array;
  /** The warnings of the check made when it was fetched (e.g. OCSP_NONCE_MISSING), repeated for every reuse. */
  warnings: OcspWarning[];
  nextUpdate?: Date;
  fetchedAt: number;
}

export const DEFAULT_OCSP_CACHE_MAX_AGE_MS = 5 * 60_000;
const DEFAULT_MAX_ENTRIES = 256;

export class OcspCache {
  private readonly kept = new Map<string, KeptOcspAnswer>();
  private readonly maxAgeMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: OcspCacheOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_OCSP_CACHE_MAX_AGE_MS;
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.now = options.now ?? Date.now;
  }

  /** The responder URL, the issuer's key hash and the serial: one answer per certificate per responder. */
  async key(url: string, cert: Certificate, issuer: Certificate): Promise<string> {
    return `${url}\n${toHex(await digest('SHA-1', publicKeyBits(issuer)))}\n${toHex(serialNumber(cert))}`;
  }

  /** The answer kept under `key`, unless it is older than the run's bound or past its own nextUpdate by the clock. */
  get(key: string): KeptOcspAnswer | undefined {
    const k = this.kept.get(key);
    if (!k) return undefined;
    const now = this.now();
    if (now - k.fetchedAt > this.maxAgeMs || (k.nextUpdate && k.nextUpdate.getTime() < now)) {
      this.kept.delete(key);
      return undefined;
    }
    return k;
  }

  set(key: string, answer: Omit<KeptOcspAnswer, 'fetchedAt'>): void {
    this.kept.delete(key);
    if (this.kept.size >= this.maxEntries) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(key, { ...answer, der: answer.der.slice(), fetchedAt: this.now() });
  }

  delete(key: string): void {
    this.kept.delete(key);
  }

  get size(): number {
    return this.kept.size;
  }
}
