/**
 * The revocation status of each certificate of a path (the anchor aside): first from what the document carries
 * (DSS, VRI, revocation-archival attribute, timestamp tokens), then, when the caller allows the network, online.
 */
import type * as pkijs from 'pkijs';
import { findEmbeddedRevocation, type EmbeddedRevocationFacts } from '../evidence/index.js';
import { checkRevocation } from '../revocation/index.js';
import { hasOcspNoCheck } from '../revocation/certificates.js';
import { verifyCertificateSignature } from '../trust/certificate-signature.js';
import { sameCertificate } from '../trust/names.js';
import { summariseCertificate } from './certificate-summary.js';
import type { TrustContext } from './chain.js';
import type { CertificateRevocation, RevocationFacts } from './facts.js';

function name(cert: pkijs.Certificate): string {
  const s = summariseCertificate(cert);
  return s.commonName ?? s.text;
}

function fromEmbedded(cert: pkijs.Certificate, e: EmbeddedRevocationFacts): CertificateRevocation {
  const origin = e.decidedBy?.origins[0]?.source;
  return {
    certificate: name(cert),
    status: e.status === 'good' ? 'GOOD' : e.status === 'revoked' ? 'REVOKED' : 'UNKNOWN',
    revokedAt: e.revocationTime?.toISOString(),
    reason: e.reason,
    source: origin ? `${origin.toUpperCase()} ${e.source?.toUpperCase() ?? ''}`.trim() : undefined,
    producedAt: (e.decidedBy?.producedAt ?? e.thisUpdate)?.toISOString(),
    problems: e.status === 'unknown' ? [...new Set(e.candidates.flatMap((c) => c.problems))] : [],
  };
}

/**
 * Whether `path[i]` is authenticated from a trust anchor: the path ends at one of the caller's anchors and every
 * signature from `path[i]` up to it verifies. Only such certificates are asked about online — the OCSP and CRL
 * addresses of any other one are the document's word, not a CA's (an uploaded PDF can name any address).
 */
async function authenticated(path: readonly pkijs.Certificate[], i: number, ctx: TrustContext): Promise<boolean> {
  const top = path[path.length - 1];
  if (!top || !ctx.anchors.some((a) => sameCertificate(a, top))) return false;
  for (let k = i; k + 1 < path.length; k++) {
    if ((await verifyCertificateSignature(path[k]!, path[k + 1]!.subjectPublicKeyInfo)) !== 'valid') return false;
  }
  return true;
}

async function statusOf(
  cert: pkijs.Certificate,
  issuer: pkijs.Certificate,
  best: Date,
  ctx: TrustContext,
  mayFetch: () => Promise<boolean>,
): Promise<CertificateRevocation> {
  let embedded: EmbeddedRevocationFacts | null = null;
  if (ctx.evidence.ocspResponses.length + ctx.evidence.crls.length > 0) {
    // Long-term rule first (status data issued after the signing time shows it was not revoked then), then data
    // current at that time (e.g. captured at signing in the revocation-archival attribute).
    embedded = await findEmbeddedRevocation(ctx.evidence, cert, issuer, { at: best, freshness: 'issued-after' });
    if (embedded.status === 'unknown') {
      const current = await findEmbeddedRevocation(ctx.evidence, cert, issuer, { at: best, freshness: 'current' });
      if (current.status !== 'unknown') embedded = current;
    }
    if (embedded.status !== 'unknown') return fromEmbedded(cert, embedded);
  }
  if (ctx.online && !(await mayFetch())) {
    return { certificate: name(cert), status: 'NOT_CHECKED', problems: ['REVOCATION_NOT_FETCHED_UNAUTHENTICATED'] };
  }
  if (ctx.online) {
    const r = await checkRevocation(cert, issuer, {
      at: ctx.at,
      timeoutMs: ctx.timeoutMs,
      fetch: ctx.fetch,
      ocspCache: ctx.ocspCache,
    });
    return {
      certificate: name(cert),
      status: r.status === 'good' ? 'GOOD' : r.status === 'revoked' ? 'REVOKED' : 'UNKNOWN',
      revokedAt: r.revocationTime?.toISOString(),
      reason: r.reason,
      source: r.source ? `ONLINE ${r.source.toUpperCase()}` : undefined,
      producedAt: r.thisUpdate?.toISOString(),
      problems: r.status === 'unknown' ? r.warnings : [],
    };
  }
  if (embedded) return fromEmbedded(cert, embedded);
  return { certificate: name(cert), status: 'NOT_CHECKED', problems: ['NO_REVOCATION_DATA_OFFLINE'] };
}

/** `path`: leaf … anchor. */
export async function revocationOf(
  path: readonly pkijs.Certificate[],
  best: Date,
  _signedRevision: number,
  ctx: TrustContext,
): Promise<RevocationFacts> {
  // Every certificate of the path at once: the leaf's OCSP request and its CA's CRL request are on the wire
  // together (each answer is checked on its own; the list keeps the path's order).
  const asked: Promise<CertificateRevocation>[] = [];
  for (let i = 0; i + 1 < path.length; i++) {
    const cert = path[i]!; // i + 1 < path.length
    const issuer = path[i + 1]!;
    // An OCSP responder certificate with id-pkix-ocsp-nocheck is trusted for its lifetime (RFC 6960 §4.2.2.2.1).
    if (i > 0 || !hasOcspNoCheck(cert))
      asked.push(statusOf(cert, issuer, best, ctx, () => authenticated(path, i, ctx)));
  }
  return { certificates: await Promise.all(asked) };
}
