/**
 * The pre-signing certificate check (validity, key usage, revocation) with its good answers reused for a while:
 * a service signing thousands of documents with one seal asks the CA once per period, not once per document,
 * and concurrent first requests share one check.
 */
import { checkSignerCertificate, onlineRevocationChecker, type SignerIdentity, type SigningWarning } from '@kyso/core';
import type { FetchLike } from '@kyso/verify';
import { certificateSha256 } from '../keys/certificate-digest.js';
import { noNetwork, type ServiceFetch } from '../net/service-fetch.js';

export class CertificateChecks {
  private readonly good = new Map<string, number>();
  private readonly pending = new Map<string, Promise<SigningWarning[]>>();

  constructor(
    private readonly policy: { revocation: 'require' | 'if-available' | 'off' },
    private readonly cacheMs: number,
    private readonly now: () => number,
    /** The guarded network; absent (tests of the cache): the default fetch. */
    private readonly network?: ServiceFetch,
  ) {}

  /** Throws the typed SignError when the certificate may not sign at `at`; returns warnings otherwise. */
  /**
   * `fetch`: makes the request's guarded fetch (its budget), called only when the CA is to be asked (a cached
   * answer needs none); default, one of the network's own.
   */
  async check(identity: SignerIdentity, at: Date, fetch?: () => FetchLike): Promise<SigningWarning[]> {
    const cert = identity.certificate;
    const id = certificateSha256(cert);
    const until = this.good.get(id);
    // Validity is checked against the signing time each time; only the CA's answer is reused.
    if (until !== undefined && this.now() < until) {
      await checkSignerCertificate(cert, identity.chain, at, { revocation: 'off' });
      return [];
    }
    let p = this.pending.get(id);
    if (!p) {
      p = this.checker(identity, fetch)
        .then((checker) =>
          checkSignerCertificate(cert, identity.chain, at, { revocation: this.policy.revocation, checker }),
        )
        .then((res) => {
          const known = res.revocation === null || res.revocation.status === 'good';
          if (known && this.cacheMs > 0) this.good.set(id, this.now() + this.cacheMs);
          return res.warnings;
        })
        .finally(() => this.pending.delete(id));
      this.pending.set(id, p);
    }
    return p;
  }

  /** Asks the CA through the guarded fetch — and not at all for a certificate the service does not vouch for. */
  private async checker(identity: SignerIdentity, fetch: (() => FetchLike) | undefined) {
    if (!this.network) return undefined;
    const allowed = await this.network.mayFetchFor(identity.certificate, identity.chain);
    return onlineRevocationChecker({ fetch: allowed ? (fetch?.() ?? this.network.forRequest()) : noNetwork });
  }
}
