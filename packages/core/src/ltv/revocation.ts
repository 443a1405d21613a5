/**
 * Revocation evidence for one certificate, as the policy asks (OCSP, CRL, or both), through @kyso/verify's
 * fetchers (timeouts, size caps) and checks (signature, CertID, freshness, nonce). Only answers that pass the
 * checks are kept: a responder that is down, slow, answers garbage or the wrong nonce gives an attempt with the
 * reason, never evidence.
 */
import { KysoError } from '@kyso/pdf';
import {
  buildOcspRequest,
  checkCrl,
  checkOcspResponse,
  fetchCrl,
  fetchOcsp,
  verifyCertificateSignature,
  type FetchLike,
} from '@kyso/verify';
import type { PooledCertificate } from './certificate-pool.js';
import type { LtvPolicy } from './policy.js';

export type Source = 'ocsp' | 'crl';

export interface RevocationAttemptFacts {
  source: Source;
  url: string;
  outcome: 'good' | 'revoked' | 'unknown' | 'unusable' | 'error';
  /** The error code (REVOCATION_TIMEOUT, ...) or the checks' problems (OCSP_NONCE_MISMATCH, ...). */
  reasons: string[];
}

export interface CertificateStatus {
  status: 'good' | 'revoked' | 'unknown';
  revocationTime?: Date;
  ocsps: Uint8Array[];
  crls: Uint8Array[];
  /** Certificates the evidence needs (a delegated OCSP responder's). */
  certificates: Uint8Array[];
  attempts: RevocationAttemptFacts[];
}

export interface RevocationFetchSettings {
  policy: LtvPolicy;
  fetch?: FetchLike;
  /** Ask this responder wherever a certificate names one (tests, or a local OCSP proxy). */
  ocspUrlOverride?: string;
  /** Fetch this CRL wherever a certificate names a distribution point. */
  crlUrlOverride?: string;
}

const MAX_URLS = 3;
const isHttp = (u: string): boolean => /^https?:\/\//i.test(u);

/** Which sources to ask for `cert`, in order, and whether one answer suffices. */
function plan(
  cert: PooledCertificate,
  s: RevocationFetchSettings,
): { order: Source[]; all: boolean; fallback: boolean } {
  const named = { ocsp: cert.info.ocspUrls.some(isHttp), crl: cert.info.crlUrls.some(isHttp) };
  switch (s.policy.revocation) {
    case 'ocsp':
      return { order: named.ocsp ? ['ocsp'] : ['crl'], all: false, fallback: false };
    case 'crl':
      return { order: named.crl ? ['crl'] : ['ocsp'], all: false, fallback: false };
    case 'ocsp-and-crl':
      return { order: (['ocsp', 'crl'] as Source[]).filter((x) => named[x]), all: true, fallback: false };
    default:
      return { order: ['ocsp', 'crl'], all: false, fallback: true };
  }
}

function urls(cert: PooledCertificate, source: Source, s: RevocationFetchSettings): string[] {
  const own = (source === 'ocsp' ? cert.info.ocspUrls : cert.info.crlUrls).filter(isHttp).slice(0, MAX_URLS);
  const override = source === 'ocsp' ? s.ocspUrlOverride : s.crlUrlOverride;
  return override && own.length > 0 ? [override] : own;
}

function reasonOf(e: unknown): string {
  return e instanceof KysoError ? e.code : e instanceof Error ? e.name : 'ERROR';
}

export class RevocationCollector {
  /** CRLs are shared by every certificate of an issuer: fetched once per run. */
  private readonly crlCache = new Map<string, Promise<Uint8Array>>();

  constructor(private readonly settings: RevocationFetchSettings) {}

  async status(cert: PooledCertificate, issuer: PooledCertificate): Promise<CertificateStatus> {
    const out: CertificateStatus = { status: 'unknown', ocsps: [], crls: [], certificates: [], attempts: [] };
    // No request for a certificate its issuer's key does not verify: its URLs are not the CA's word.
    if ((await verifyCertificateSignature(cert.cert, issuer.cert.subjectPublicKeyInfo)) !== 'valid') return out;
    const { order, all, fallback } = plan(cert, this.settings);
    let answered = 0;
    let asked = 0;
    for (const source of order) {
      const list = urls(cert, source, this.settings);
      if (list.length === 0) continue;
      asked++;
      const answer =
        source === 'ocsp' ? await this.ocsp(cert, issuer, list, out) : await this.crl(cert, issuer, list, out);
      if (answer) {
        answered++;
        if (out.status !== 'revoked') {
          out.status = answer.status;
          out.revocationTime = answer.revocationTime;
        }
        if (!all) break;
      } else if (!fallback && !all) break;
    }
    // With 'ocsp-and-crl' every named source must have answered.
    if (all && answered < asked && out.status === 'good') out.status = 'unknown';
    return out;
  }

  private async ocsp(cert: PooledCertificate, issuer: PooledCertificate, list: string[], out: CertificateStatus) {
    const p = this.settings.policy;
    for (const url of list) {
      try {
        const request = await buildOcspRequest(cert.cert, issuer.cert, { nonce: true });
        const der = await fetchOcsp(url, request.der, {
          timeoutMs: p.timeoutMs,
          fetch: this.settings.fetch,
          maxBytes: p.maxOcspBytes,
        });
        const checked = await checkOcspResponse(der, cert.cert, issuer.cert, { nonce: request.nonce });
        const outcome = checked.status;
        out.attempts.push({ source: 'ocsp', url, outcome, reasons: [...checked.problems] });
        if (outcome !== 'good' && outcome !== 'revoked') continue;
        out.ocsps.push(checked.der);
        if (checked.responder === 'delegated' && checked.responderCertificate)
          out.certificates.push(checked.responderCertificate);
        return { status: outcome, revocationTime: checked.revocationTime };
      } catch (e) {
        out.attempts.push({ source: 'ocsp', url, outcome: 'error', reasons: [reasonOf(e)] });
      }
    }
    return undefined;
  }

  private async crl(cert: PooledCertificate, issuer: PooledCertificate, list: string[], out: CertificateStatus) {
    const p = this.settings.policy;
    for (const url of list) {
      try {
        let pending = this.crlCache.get(url);
        if (!pending) {
          pending = fetchCrl(url, { timeoutMs: p.timeoutMs, fetch: this.settings.fetch, maxBytes: p.maxCrlBytes });
          this.crlCache.set(url, pending);
        }
        const checked = await checkCrl(await pending, cert.cert, issuer.cert, {});
        out.attempts.push({ source: 'crl', url, outcome: checked.status, reasons: [...checked.problems] });
        if (checked.status === 'unusable') continue;
        out.crls.push(checked.der);
        return { status: checked.status, revocationTime: checked.revocationTime };
      } catch (e) {
        out.attempts.push({ source: 'crl', url, outcome: 'error', reasons: [reasonOf(e)] });
      }
    }
    return undefined;
  }
}

/** "ocsp http://…: REVOCATION_TIMEOUT; crl http://…: CRL_EXPIRED" for messages. */
export function describeAttempts(attempts: RevocationAttemptFacts[]): string {
  if (attempts.length === 0) return 'the certificate names no OCSP responder or CRL';
  return attempts.map((a) => `${a.source} ${a.url}: ${a.reasons.length ? a.reasons.join(', ') : a.outcome}`).join('; ');
}
