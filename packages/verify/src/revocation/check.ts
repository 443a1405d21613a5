/**
 * Online revocation checking for one certificate (DOMAIN.md §10.3 item 1.2): OCSP when the certificate names a
 * responder, else (or when OCSP gives no usable answer) the CRL from its distribution point; when neither answers,
 * status 'unknown' with a warning. The raw responses that decided are returned for embedding in a DSS.
 */
import { KysoError } from '@kyso/pdf';
import type { Certificate } from 'pkijs';
import { crlUrls, isHttpUrl, isIssuerOf, ocspUrls, toCertificate, type CertificateInput } from './certificates.js';
import { checkCrl } from './crl.js';
import { fetchCrl, fetchOcsp, type FetchLike } from './fetch.js';
import type { RevocationCode } from './messages.js';
import { buildOcspRequest, checkOcspResponse, type OcspCheckResult, type OcspWarning } from './ocsp.js';
import type { OcspCache } from './ocsp-cache.js';
import type { RevocationReason } from './reasons.js';
import { verifyCertificateSignature } from '../trust/certificate-signature.js';

export type RevocationSource = 'ocsp' | 'crl';
/** 'ocsp-and-crl' asks both (for LTV evidence: DOMAIN.md §10.1 S9 keeps the CRL too); a revocation from either wins. */
export type RevocationPreference = 'ocsp-then-crl' | 'crl-then-ocsp' | 'ocsp-and-crl';

export interface CheckRevocationOptions {
  /** The validation time answers must be current at (default: now). Compare revocationTime with the signing time yourself. */
  at?: Date;
  prefer?: RevocationPreference;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  fetch?: FetchLike;
  /** Ask this responder / CRL URL instead of the ones the certificate names. */
  ocspUrlOverride?: string;
  crlUrlOverride?: string;
  /** Send a nonce in OCSP requests (default true). */
  nonce?: boolean;
  maxCrlBytes?: number;
  clockSkewMs?: number;
  /** OCSP answers kept for a batch run (ocsp-cache.ts); none by default: every check asks the responder. */
  ocspCache?: OcspCache;
}

export interface RevocationAttempt {
  source: RevocationSource;
  url: string;
  outcome: 'good' | 'revoked' | 'unknown' | 'unusable' | 'error';
  /** Why a response could not be relied on. */
  problems: RevocationCode[];
  /** The transport failure, when there was one. */
  error?: { code: string; messageVi: string; messageEn: string };
  /**
   * An OCSP answer fetched earlier in the run (ocspCache), checked again for this certificate and time: no request
   * was sent, so no nonce was checked for this check (the request that fetched it had its nonce matched).
   */
  reused?: true;
}

export interface RevocationEvidence {
  /** DER OCSPResponses that gave a usable answer. */
  ocspResponses: Uint8Array[];
  /** DER CRLs that gave a usable answer. */
  crls: Uint8Array[];
  /** DER certificates needed to validate that evidence (delegated OCSP responders). */
  certificates: Uint8Array[];
}

export interface RevocationCheck {
  status: 'good' | 'revoked' | 'unknown';
  /** What decided the status; null when nothing did. */
  source: RevocationSource | null;
  url?: string;
  revocationTime?: Date;
  reason?: RevocationReason;
  /** thisUpdate / nextUpdate of the deciding response or CRL. */
  thisUpdate?: Date;
  nextUpdate?: Date;
  checkedAt: Date;
  evidence: RevocationEvidence;
  /** Codes of REVOCATION_MESSAGES; 'REVOCATION_STATUS_UNKNOWN' whenever status is 'unknown'. */
  warnings: RevocationCode[];
  attempts: RevocationAttempt[];
}

interface Answer {
  status: 'good' | 'revoked';
  source: RevocationSource;
  url: string;
  revocationTime?: Date;
  reason?: RevocationReason;
  thisUpdate?: Date;
  nextUpdate?: Date;
}

/** A certificate may list several addresses; asking a few bounds the time spent on a dead CA. */
const MAX_URLS_PER_SOURCE = 3;

class Run {
  readonly result: RevocationCheck;
  constructor(at: Date) {
    this.result = {
      status: 'unknown',
      source: null,
      checkedAt: at,
      evidence: { ocspResponses: [], crls: [], certificates: [] },
      warnings: [],
      attempts: [],
    };
  }
  warn(...codes: RevocationCode[]): void {
    for (const c of codes) if (!this.result.warnings.includes(c)) this.result.warnings.push(c);
  }
  attempt(a: Omit<RevocationAttempt, 'problems'> & { problems?: RevocationCode[] }): void {
    this.result.attempts.push({ problems: [], ...a });
  }
  failed(source: RevocationSource, url: string, e: unknown): void {
    const error =
      e instanceof KysoError
        ? { code: e.code, messageVi: e.messageVi, messageEn: e.messageEn }
        : {
            code: 'REVOCATION_BAD_RESPONSE',
            messageVi: 'Lỗi không mong đợi khi kiểm tra trạng thái.',
            messageEn: e instanceof Error ? e.message : String(e),
          };
    this.attempt({ source, url, outcome: 'error', error });
  }
}

export async function checkRevocation(
  certInput: CertificateInput,
  issuerInput: CertificateInput,
  options: CheckRevocationOptions = {},
): Promise<RevocationCheck> {
  const cert = toCertificate(certInput);
  const issuer = toCertificate(issuerInput);
  const at = options.at ?? new Date();
  const run = new Run(at);
  // Nothing is fetched for a certificate its issuer's key does not verify: the URLs it names are not the CA's
  // (an uploaded document can name any address; see the fetch policy in net/).
  if (!isIssuerOf(issuer, cert) || (await verifyCertificateSignature(cert, issuer.subjectPublicKeyInfo)) !== 'valid') {
    run.warn('REVOCATION_ISSUER_MISMATCH', 'REVOCATION_STATUS_UNKNOWN');
    return run.result;
  }

  const urls: Record<RevocationSource, string[]> = {
    ocsp: options.ocspUrlOverride
      ? [options.ocspUrlOverride]
      : ocspUrls(cert).filter(isHttpUrl).slice(0, MAX_URLS_PER_SOURCE),
    crl: options.crlUrlOverride
      ? [options.crlUrlOverride]
      : crlUrls(cert).filter(isHttpUrl).slice(0, MAX_URLS_PER_SOURCE),
  };
  if (urls.ocsp.length === 0 && urls.crl.length === 0) {
    run.warn('REVOCATION_NO_SOURCE', 'REVOCATION_STATUS_UNKNOWN');
    return run.result;
  }

  const prefer = options.prefer ?? 'ocsp-then-crl';
  const order: RevocationSource[] = prefer === 'crl-then-ocsp' ? ['crl', 'ocsp'] : ['ocsp', 'crl'];
  let decided: Answer | undefined;
  for (const source of order) {
    if (urls[source].length === 0) continue;
    if (decided && prefer !== 'ocsp-and-crl') break;
    const answer =
      source === 'ocsp'
        ? await askOcsp(run, urls.ocsp, cert, issuer, at, options)
        : await askCrl(run, urls.crl, cert, issuer, at, options);
    if (!answer) run.warn(source === 'ocsp' ? 'OCSP_UNAVAILABLE' : 'CRL_UNAVAILABLE');
    else if (!decided || (answer.status === 'revoked' && decided.status !== 'revoked')) decided = answer;
  }

  if (!decided) {
    run.warn('REVOCATION_STATUS_UNKNOWN');
    return run.result;
  }
  return { ...run.result, ...decided };
}

async function askOcsp(
  run: Run,
  urls: string[],
  cert: Certificate,
  issuer: Certificate,
  at: Date,
  options: CheckRevocationOptions,
): Promise<Answer | undefined> {
  const cache = options.ocspCache;
  for (const url of urls) {
    try {
      const key = cache ? await cache.key(url, cert, issuer) : undefined;
      const kept = key === undefined ? undefined : cache?.get(key);
      if (kept) {
        const again = await checkOcspResponse(kept.der, cert, issuer, { at, clockSkewMs: options.clockSkewMs });
        if (again.status === 'good' || again.status === 'revoked') {
          run.attempt({ source: 'ocsp', url, outcome: again.status, reused: true });
          return accepted(run, url, again, again.status, [...kept.warnings, ...again.warnings]);
        }
        cache!.delete(key!); // no longer answers at this time: ask the responder
      }
      const request = await buildOcspRequest(cert, issuer, { nonce: options.nonce ?? true });
      const der = await fetchOcsp(url, request.der, { timeoutMs: options.timeoutMs, fetch: options.fetch });
      const checked = await checkOcspResponse(der, cert, issuer, {
        at,
        nonce: request.nonce,
        clockSkewMs: options.clockSkewMs,
      });
      run.attempt({ source: 'ocsp', url, outcome: checked.status, problems: checked.problems });
      if (checked.status === 'unknown') run.warn('OCSP_CERT_UNKNOWN');
      if (checked.status !== 'good' && checked.status !== 'revoked') continue;
      if (key !== undefined)
        cache!.set(key, { der: checked.der, warnings: checked.warnings, nextUpdate: checked.nextUpdate });
      return accepted(run, url, checked, checked.status, checked.warnings);
    } catch (e) {
      run.failed('ocsp', url, e);
    }
  }
  return undefined;
}

/** A usable OCSP answer: its warnings, its evidence, and the answer it gives. */
function accepted(
  run: Run,
  url: string,
  checked: OcspCheckResult,
  status: 'good' | 'revoked',
  warnings: OcspWarning[],
): Answer {
  run.warn(...warnings);
  run.result.evidence.ocspResponses.push(checked.der);
  if (checked.responder === 'delegated' && checked.responderCertificate)
    run.result.evidence.certificates.push(checked.responderCertificate);
  return {
    status,
    source: 'ocsp',
    url,
    revocationTime: checked.revocationTime,
    reason: checked.revocationReason,
    thisUpdate: checked.thisUpdate,
    nextUpdate: checked.nextUpdate,
  };
}

async function askCrl(
  run: Run,
  urls: string[],
  cert: Certificate,
  issuer: Certificate,
  at: Date,
  options: CheckRevocationOptions,
): Promise<Answer | undefined> {
  for (const url of urls) {
    try {
      const der = await fetchCrl(url, {
        timeoutMs: options.timeoutMs,
        fetch: options.fetch,
        maxBytes: options.maxCrlBytes,
      });
      const checked = await checkCrl(der, cert, issuer, { at, clockSkewMs: options.clockSkewMs });
      run.attempt({ source: 'crl', url, outcome: checked.status, problems: checked.problems });
      if (checked.status === 'unusable') continue;
      run.warn(...checked.warnings);
      run.result.evidence.crls.push(checked.der);
      return {
        status: checked.status,
        source: 'crl',
        url,
        revocationTime: checked.revocationTime,
        reason: checked.reason,
        thisUpdate: checked.thisUpdate,
        nextUpdate: checked.nextUpdate,
      };
    } catch (e) {
      run.failed('crl', url, e);
    }
  }
  return undefined;
}
