/**
 * Revocation status from embedded data only: given the evidence pool, a certificate, its issuer and a time, try
 * every OCSP response and CRL in the pool that can be about the certificate, with the revocation module's own
 * checks (checkOcspResponse, checkCrl), and take the freshest usable one. Online fetching is checkRevocation's.
 */
import * as asn1js from 'asn1js';
import { RelativeDistinguishedNames, type Certificate } from 'pkijs';
import { bytesEqual, toArrayBuffer, toHex } from '../revocation/bytes.js';
import { nameDer, namesEqual, serialNumber, toCertificate, type CertificateInput } from '../revocation/certificates.js';
import { checkCrl } from '../revocation/crl.js';
import type { RevocationCode } from '../revocation/messages.js';
import { checkOcspResponse } from '../revocation/ocsp.js';
import type { RevocationReason } from '../revocation/reasons.js';
import type { EvidenceOrigin, EvidencePool, PooledCrl, PooledOcspResponse } from './pool.js';

/**
 * 'current': the answer must be valid at `at` (thisUpdate ≤ at ≤ nextUpdate, RFC 6960 / RFC 5280): validating now.
 * 'issued-after': the answer must have been issued at or after `at`, and is judged as of its own issuance: the
 * long-term rule, where status data made after the signing time shows the certificate was not revoked then.
 */
export type RevocationFreshness = 'current' | 'issued-after';

export interface EmbeddedRevocationOptions {
  /** The time the status is wanted for (default: now). */
  at?: Date;
  freshness?: RevocationFreshness;
  /** Only evidence that had appeared by this revision (default: all). */
  maxRevision?: number;
  /** Tolerated clock difference (default 5 minutes). */
  clockSkewMs?: number;
}

export type EmbeddedRevocationProblem = RevocationCode | 'REVOCATION_ISSUED_BEFORE_TIME';

export interface EmbeddedRevocationCandidate {
  source: 'ocsp' | 'crl';
  der: Uint8Array;
  firstRevision: number;
  origins: EvidenceOrigin[];
  /** 'unusable' whenever `problems` is not empty. */
  outcome: 'good' | 'revoked' | 'unknown' | 'unusable';
  problems: EmbeddedRevocationProblem[];
  warnings: RevocationCode[];
  thisUpdate?: Date;
  nextUpdate?: Date;
  /** OCSP: when the response was signed. */
  producedAt?: Date;
  revocationTime?: Date;
  reason?: RevocationReason;
  /** OCSP: the certificate whose key signed the response (the issuer's, or a delegated responder's). */
  responderCertificate?: Uint8Array;
}

export interface EmbeddedRevocationFacts {
  status: 'good' | 'revoked' | 'unknown';
  source: 'ocsp' | 'crl' | null;
  /** The candidate that decided; null when none could. */
  decidedBy: EmbeddedRevocationCandidate | null;
  revocationTime?: Date;
  reason?: RevocationReason;
  thisUpdate?: Date;
  nextUpdate?: Date;
  /** For a revoked certificate: revoked at or before `at`. */
  revokedBeforeTime?: boolean;
  at: Date;
  freshness: RevocationFreshness;
  /** Every OCSP response and CRL that could be about the certificate, as judged. */
  candidates: EmbeddedRevocationCandidate[];
  /** 'REVOCATION_STATUS_UNKNOWN' whenever status is 'unknown'; the deciding answer's warnings otherwise. */
  warnings: RevocationCode[];
}

const DEFAULT_CLOCK_SKEW_MS = 5 * 60_000;

/** The freshest usable embedded answer about `cert` (issued by `issuer`) for `options.at`. Never throws for bad data. */
export async function findEmbeddedRevocation(
  pool: EvidencePool,
  certInput: CertificateInput,
  issuerInput: CertificateInput,
  options: EmbeddedRevocationOptions = {},
): Promise<EmbeddedRevocationFacts> {
  const cert = toCertificate(certInput);
  const issuer = toCertificate(issuerInput);
  const at = options.at ?? new Date();
  const freshness = options.freshness ?? 'current';
  const skew = options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  const maxRevision = options.maxRevision ?? Number.MAX_SAFE_INTEGER;
  const serial = toHex(serialNumber(cert));

  const candidates: EmbeddedRevocationCandidate[] = [];
  for (const item of pool.ocspResponses) {
    if (item.firstRevision > maxRevision || !item.facts) continue;
    const single = item.facts.responses.find((r) => r.serialNumber === serial);
    if (!single) continue; // about other certificates
    const judged = await judgeOcsp(item, cert, issuer, at, freshness, skew, single.thisUpdate);
    // Same serial, another issuer's certificate (the CertID's issuer hashes differ): not a candidate.
    if (!judged.problems.includes('OCSP_CERT_NOT_IN_RESPONSE')) candidates.push(judged);
  }
  for (const item of pool.crls) {
    if (item.firstRevision > maxRevision || !item.facts) continue;
    if (!sameName(item.facts.issuer, issuer)) continue; // another CA's
    const judged = await judgeCrl(item, cert, issuer, at, freshness, skew);
    if (!judged.problems.includes('CRL_ISSUER_MISMATCH')) candidates.push(judged);
  }

  const usable = candidates
    .filter((c) => c.outcome === 'good' || c.outcome === 'revoked')
    .sort((a, b) => {
      const t = (b.thisUpdate?.getTime() ?? 0) - (a.thisUpdate?.getTime() ?? 0);
      if (t !== 0) return t;
      if (a.outcome !== b.outcome) return a.outcome === 'revoked' ? -1 : 1; // a tie: the revocation is not ignored
      return a.source === b.source ? 0 : a.source === 'ocsp' ? -1 : 1;
    });
  const decided = usable[0];
  if (!decided) {
    const warnings: RevocationCode[] = [];
    if (candidates.some((c) => c.outcome === 'unknown')) warnings.push('OCSP_CERT_UNKNOWN');
    warnings.push('REVOCATION_STATUS_UNKNOWN');
    return { status: 'unknown', source: null, decidedBy: null, at, freshness, candidates, warnings };
  }
  const facts: EmbeddedRevocationFacts = {
    status: decided.outcome as 'good' | 'revoked',
    source: decided.source,
    decidedBy: decided,
    thisUpdate: decided.thisUpdate,
    nextUpdate: decided.nextUpdate,
    at,
    freshness,
    candidates,
    warnings: [...decided.warnings],
  };
  if (decided.outcome === 'revoked') {
    facts.revocationTime = decided.revocationTime;
    facts.reason = decided.reason;
    facts.revokedBeforeTime = decided.revocationTime ? decided.revocationTime.getTime() <= at.getTime() : true;
  }
  return facts;
}

/** Whether a CRL's issuer Name (DER) is the issuer certificate's subject: same bytes, or equal after RFC 5280 preparation. */
function sameName(issuerDer: Uint8Array, issuer: Certificate): boolean {
  if (bytesEqual(issuerDer, nameDer(issuer.subject))) return true;
  try {
    const asn1 = asn1js.fromBER(toArrayBuffer(issuerDer));
    return asn1.offset !== -1 && namesEqual(new RelativeDistinguishedNames({ schema: asn1.result }), issuer.subject);
  } catch {
    return false;
  }
}

async function judgeOcsp(
  item: PooledOcspResponse,
  cert: Certificate,
  issuer: Certificate,
  at: Date,
  freshness: RevocationFreshness,
  skew: number,
  thisUpdate: Date,
): Promise<EmbeddedRevocationCandidate> {
  // 'issued-after' judges the answer as of its own thisUpdate; whether that is late enough is checked below.
  const checkAt = freshness === 'issued-after' ? thisUpdate : at;
  const r = await checkOcspResponse(item.der, cert, issuer, { at: checkAt, clockSkewMs: skew });
  const problems: EmbeddedRevocationProblem[] = [...r.problems];
  if (freshness === 'issued-after' && thisUpdate.getTime() < at.getTime() - skew)
    problems.push('REVOCATION_ISSUED_BEFORE_TIME');
  return {
    source: 'ocsp',
    der: item.der,
    firstRevision: item.firstRevision,
    origins: item.origins,
    outcome: problems.length > 0 ? 'unusable' : (r.certStatus ?? 'unusable'),
    problems,
    warnings: [...r.warnings],
    thisUpdate: r.thisUpdate,
    nextUpdate: r.nextUpdate,
    producedAt: r.producedAt,
    revocationTime: r.revocationTime,
    reason: r.revocationReason,
    responderCertificate: r.responderCertificate,
  };
}

async function judgeCrl(
  item: PooledCrl,
  cert: Certificate,
  issuer: Certificate,
  at: Date,
  freshness: RevocationFreshness,
  skew: number,
): Promise<EmbeddedRevocationCandidate> {
  const thisUpdate = item.facts!.thisUpdate;
  const checkAt = freshness === 'issued-after' ? thisUpdate : at;
  const r = await checkCrl(item.der, cert, issuer, { at: checkAt, clockSkewMs: skew });
  const problems: EmbeddedRevocationProblem[] = [...r.problems];
  if (freshness === 'issued-after' && thisUpdate.getTime() < at.getTime() - skew)
    problems.push('REVOCATION_ISSUED_BEFORE_TIME');
  return {
    source: 'crl',
    der: item.der,
    firstRevision: item.firstRevision,
    origins: item.origins,
    outcome: problems.length > 0 ? 'unusable' : r.status,
    problems,
    warnings: [...r.warnings],
    thisUpdate: r.thisUpdate,
    nextUpdate: r.nextUpdate,
    revocationTime: r.revocationTime,
    reason: r.reason,
  };
}
