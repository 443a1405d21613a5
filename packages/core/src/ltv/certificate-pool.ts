/**
 * The certificates known while gathering validation data (from the CMS, the timestamp tokens, the caller, the
 * OCSP responses and caIssuers fetches), each kept with its exact DER, and chain building over them: issuer by
 * name and key identifiers (@kyso/verify's isIssuerOf) up to a self-issued certificate. No trust decision is made
 * here — the chain is what the DSS must carry so a validator can decide offline.
 */
import { createHash } from 'node:crypto';
import type { Certificate } from 'pkijs';
import { isIssuerOf, toCertificate } from '@kyso/verify';
import { parseCertificate, type CertificateInfo } from '../cms/certificate.js';

export interface PooledCertificate {
  der: Uint8Array;
  /** SHA-256 of the DER, lowercase hex: the identity used for de-duplication. */
  id: string;
  cert: Certificate;
  info: CertificateInfo;
}

const OCSP_NOCHECK = '1.3.6.1.5.5.7.48.1.5';
const MAX_CHAIN = 12;

export function certificateId(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

export class CertificatePool {
  private readonly byId = new Map<string, PooledCertificate>();

  /** Adds a DER certificate; unreadable entries are skipped (a CMS may carry attribute certificates). */
  add(der: Uint8Array): PooledCertificate | undefined {
    const id = certificateId(der);
    const known = this.byId.get(id);
    if (known) return known;
    try {
      const entry = { der: der.slice(), id, cert: toCertificate(der), info: parseCertificate(der) };
      this.byId.set(id, entry);
      return entry;
    } catch {
      return undefined;
    }
  }

  addAll(ders: Iterable<Uint8Array>): void {
    for (const d of ders) this.add(d);
  }

  get(id: string): PooledCertificate | undefined {
    return this.byId.get(id);
  }

  issuerOf(c: PooledCertificate): PooledCertificate | undefined {
    for (const candidate of this.byId.values()) {
      if (candidate.id !== c.id && isIssuerOf(candidate.cert, c.cert)) return candidate;
    }
    return undefined;
  }

  /**
   * The chain from `leaf` upwards (leaf first), as far as the pool (and `fetchIssuer`, for a missing link) reaches.
   */
  async chain(
    leaf: PooledCertificate,
    fetchIssuer?: (c: PooledCertificate, child?: PooledCertificate) => Promise<Uint8Array[]>,
  ): Promise<PooledCertificate[]> {
    const out = [leaf];
    let current = leaf;
    while (out.length < MAX_CHAIN && !isSelfIssued(current)) {
      let issuer = this.issuerOf(current);
      if (!issuer && fetchIssuer) {
        for (const der of await fetchIssuer(current, out.length > 1 ? out[out.length - 2] : undefined)) this.add(der);
        issuer = this.issuerOf(current);
      }
      if (!issuer || out.some((c) => c.id === issuer.id)) break;
      out.push(issuer);
      current = issuer;
    }
    return out;
  }
}

export function isSelfIssued(c: PooledCertificate): boolean {
  return isIssuerOf(c.cert, c.cert);
}

/** id-pkix-ocsp-nocheck: an OCSP responder's certificate that needs no status of its own (RFC 6960 §4.2.2.2.1). */
export function hasOcspNoCheck(c: PooledCertificate): boolean {
  return c.cert.extensions?.some((e) => e.extnID === OCSP_NOCHECK) ?? false;
}
