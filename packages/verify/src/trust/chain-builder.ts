/**
 * Candidate certification paths from a leaf to the trust anchors, depth first: issuers are matched by name and
 * AKI/SKI (isIssuerOf), every matching candidate is an alternative (cross certificates, re-keyed CAs, a wrong
 * certificate with the right name), no certificate or subject key appears twice in a path, and depth, paths and
 * work are bounded. Paths are only candidates: path-validation.ts decides which one holds.
 */
import type * as pkijs from 'pkijs';
import { bytesEqual } from '../revocation/bytes.js';
import { authorityKeyId, isIssuerOf, subjectKeyId } from '../revocation/certificates.js';
import { fetchCaIssuers, DEFAULT_AIA_MAX_FETCHES, type AiaFetch, type AiaOptions } from './aia.js';
import { verifyCertificateSignature } from './certificate-signature.js';
import { readExtensions } from './extensions.js';
import { isSelfIssued, sameCertificate, sameEntity } from './names.js';

export interface CandidatePath {
  /** Leaf first; ends with the anchor when `anchor` is set. */
  chain: pkijs.Certificate[];
  anchor: pkijs.Certificate | null;
  /** Why a path without anchor stopped. */
  stop?: 'NO_ISSUER' | 'TOO_LONG';
}

export interface BuilderContext {
  /** The anchors; `widen` may add to them. */
  anchors: pkijs.Certificate[];
  /** Candidate intermediates; AIA answers are added to it. */
  pool: pkijs.Certificate[];
  /** Most certificates in a path, anchor included. */
  maxDepth: number;
  /** Preferred validity time when ordering alternatives. */
  at: Date;
  aia?: AiaOptions;
  aiaLog: AiaFetch[];
  /** Certificates added to the pool from AIA answers. */
  fetched: pkijs.Certificate[];
  /** Anchors and intermediates that link to certificates AIA brought (TrustOptions.widen). */
  widen?(certificates: readonly pkijs.Certificate[]): {
    anchors: pkijs.Certificate[];
    intermediates: pkijs.Certificate[];
  };
}

/** Most issuer expansions per search, against pathological pools (many cross certificates). */
const MAX_EXPANSIONS = 2_000;

function issuersIn(list: readonly pkijs.Certificate[], cert: pkijs.Certificate): pkijs.Certificate[] {
  return list.filter((c) => {
    try {
      return isIssuerOf(c, cert);
    } catch {
      return false;
    }
  });
}

/** Key-identifier matches first, then certificates valid at the preferred time, then the newest. */
function preferenceOrder(cert: pkijs.Certificate, candidates: pkijs.Certificate[], at: Date): pkijs.Certificate[] {
  const aki = authorityKeyId(cert);
  const t = at.getTime();
  const score = (c: pkijs.Certificate): number => {
    const ski = subjectKeyId(c);
    let s = 0;
    if (aki && ski && bytesEqual(aki, ski)) s += 4;
    if (c.notBefore.value.getTime() <= t && t <= c.notAfter.value.getTime()) s += 2;
    if (readExtensions(c).basicConstraints?.cA) s += 1;
    return s;
  };
  return candidates
    .map((c, i) => ({ c, i, s: score(c) }))
    .sort((a, b) => b.s - a.s || b.c.notBefore.value.getTime() - a.c.notBefore.value.getTime() || a.i - b.i)
    .map((x) => x.c);
}

async function fetchIssuers(cert: pkijs.Certificate, ctx: BuilderContext, tried: Set<string>): Promise<void> {
  const aia = ctx.aia;
  if (!aia?.enabled) return;
  const limit = aia.maxFetches ?? DEFAULT_AIA_MAX_FETCHES;
  for (const url of readExtensions(cert).caIssuers) {
    if (tried.has(url)) continue;
    tried.add(url);
    if (ctx.aiaLog.filter((r) => r.outcome !== 'AIA_LIMIT').length >= limit) {
      ctx.aiaLog.push({ url, outcome: 'AIA_LIMIT', certificates: 0 });
      return;
    }
    const { certificates, record } = await fetchCaIssuers(url, aia);
    ctx.aiaLog.push(record);
    const fresh: pkijs.Certificate[] = [];
    for (const c of certificates) {
      if (ctx.pool.some((p) => sameCertificate(p, c)) || ctx.anchors.some((a) => sameCertificate(a, c))) continue;
      ctx.pool.push(c);
      ctx.fetched.push(c);
      fresh.push(c);
    }
    // A fetched issuer may chain to trusted certificates the document alone did not point at.
    if (fresh.length > 0 && ctx.widen) {
      const more = ctx.widen(fresh);
      for (const a of more.anchors) if (!ctx.anchors.some((x) => sameCertificate(x, a))) ctx.anchors.push(a);
      for (const c of more.intermediates) if (!ctx.pool.some((x) => sameCertificate(x, c))) ctx.pool.push(c);
    }
    if (issuersIn(certificates, cert).length > 0) return;
  }
}

/**
 * Whose caIssuers URLs are followed: the leaf's (path building needs them, as in pyHanko and DSS — the fetch
 * policy and budget bound what that costs), and beyond it only a certificate whose key verifies the signature on
 * the certificate below it, so a fetched or document-supplied "issuer" that did not issue anything cannot steer
 * the next request.
 */
async function mayChase(path: readonly pkijs.Certificate[]): Promise<boolean> {
  const cur = path.at(-1);
  const below = path.at(-2);
  if (!cur || !below) return true; // the leaf alone
  return (await verifyCertificateSignature(below, cur.subjectPublicKeyInfo)) === 'valid';
}

/** Yields candidate paths, complete ones (ending at an anchor) as they are found, dead ends too. */
export async function* candidatePaths(leaf: pkijs.Certificate, ctx: BuilderContext): AsyncGenerator<CandidatePath> {
  let expansions = 0;
  const triedUrls = new Set<string>();

  async function* extend(path: pkijs.Certificate[]): AsyncGenerator<CandidatePath> {
    const cur = path.at(-1);
    if (!cur) return;
    // The current certificate carries an anchor's name and key: the path ends here, at that anchor.
    const asAnchor = ctx.anchors.find((a) => sameEntity(a, cur));
    if (asAnchor) {
      yield { chain: path.length === 1 ? path : [...path.slice(0, -1), asAnchor], anchor: asAnchor };
      return;
    }
    if (path.length >= ctx.maxDepth || ++expansions > MAX_EXPANSIONS) {
      yield { chain: path, anchor: null, stop: 'TOO_LONG' };
      return;
    }
    const inPath = (c: pkijs.Certificate) => path.some((p) => sameEntity(p, c));
    let anchors = issuersIn(ctx.anchors, cur);
    const poolIssuers = () =>
      issuersIn(ctx.pool, cur).filter((c) => !inPath(c) && !ctx.anchors.some((a) => sameEntity(a, c)));
    let pool = poolIssuers();
    if (
      anchors.length === 0 &&
      pool.length === 0 &&
      !(isSelfIssued(cur) && path.length > 1) &&
      (await mayChase(path))
    ) {
      await fetchIssuers(cur, ctx, triedUrls);
      anchors = issuersIn(ctx.anchors, cur);
      pool = poolIssuers();
    }
    for (const a of preferenceOrder(cur, anchors, ctx.at)) yield { chain: [...path, a], anchor: a };
    for (const c of preferenceOrder(cur, pool, ctx.at)) yield* extend([...path, c]);
    if (anchors.length === 0 && pool.length === 0) yield { chain: path, anchor: null, stop: 'NO_ISSUER' };
  }

  yield* extend([leaf]);
}
