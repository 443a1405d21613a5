/** The signer's (or TSA's) path to the caller's trust anchors, as report facts, with validity at the times asked. */
import type * as pkijs from 'pkijs';
import type { CryptoPolicy } from '../crypto-policy/index.js';
import type { EvidencePool } from '../evidence/index.js';
import type { FetchLike, OcspCache } from '../revocation/index.js';
import {
  buildTrustPath,
  extendedKeyUsageAllows,
  KEY_PURPOSES,
  signerUsageProblems,
  validAt,
  type PathFacts,
} from '../trust/index.js';
import { summariseCertificate } from './certificate-summary.js';
import type { ChainFacts, SignatureFacts } from './facts.js';

export interface TrustContext {
  /** The validation time. */
  at: Date;
  anchors: pkijs.Certificate[];
  intermediates: pkijs.Certificate[];
  /** Adds to `anchors` and `intermediates` the trust profile's certificates that link to these (AIA answers). */
  widen?(certificates: readonly pkijs.Certificate[]): {
    anchors: pkijs.Certificate[];
    intermediates: pkijs.Certificate[];
  };
  /** Certificates the document carries outside the CMS (DSS, VRI, timestamp tokens). */
  documentCertificates: pkijs.Certificate[];
  evidence: EvidencePool;
  online: boolean;
  fetch?: FetchLike;
  ocspCache?: OcspCache;
  timeoutMs: number;
  cryptoPolicy?: CryptoPolicy;
  /** The first revision after the signature whose DSS holds validation data for it; null when none. */
  validationDataRevision(f: SignatureFacts): number | null;
}

export interface ChainResult {
  facts: ChainFacts;
  /** Leaf … anchor (or as far as found). */
  certs: pkijs.Certificate[];
  anchor?: pkijs.Certificate;
  path: PathFacts | null;
}

export async function chainOf(
  leaf: pkijs.Certificate,
  pool: readonly pkijs.Certificate[],
  ctx: TrustContext,
  times: readonly Date[],
  purpose: 'signing' | 'timestamping',
): Promise<ChainResult> {
  let path: PathFacts;
  try {
    path = await buildTrustPath(leaf, {
      anchors: ctx.anchors,
      certificates: [...pool, ...ctx.intermediates],
      at: times[0] ?? ctx.at,
      aia: ctx.online ? { enabled: true, timeoutMs: ctx.timeoutMs, fetch: ctx.fetch } : undefined,
      ...(ctx.widen ? { widen: ctx.widen } : {}),
    });
  } catch {
    return {
      facts: { found: false, path: [], problems: ['CERTIFICATE_UNREADABLE'], validity: [] },
      certs: [],
      path: null,
    };
  }
  const problems = path.found
    ? path.problems.map((p) => `${p.code} (${p.subject}${p.detail ? `: ${p.detail}` : ''})`)
    : [];
  // A timestamp's signer must be a TSA (RFC 3161 §2.3: the critical timeStamping purpose).
  if (
    purpose === 'timestamping' &&
    !extendedKeyUsageAllows(path.leafExtendedKeyUsage, KEY_PURPOSES.timeStamping, { strict: true })
  ) {
    problems.push('TSA_EXTENDED_KEY_USAGE');
  }
  // A signer's certificate must be one for signing documents (trust/signer-usage.ts); a fact kept apart from the path's.
  const constraints = purpose === 'signing' ? signerUsageProblems(leaf).map((p) => `${p.code} (${p.detail})`) : [];
  const validity = times.map((t) => {
    const v = validAt(path, t);
    return v.status === 'VALID'
      ? { at: t.toISOString(), status: 'VALID' as const }
      : {
          at: t.toISOString(),
          status: v.status,
          certificate: summariseCertificate(v.certificate).commonName ?? `#${v.index}`,
        };
  });
  return {
    facts: {
      found: path.found,
      path: path.chain.map(summariseCertificate),
      problems,
      ...(constraints.length ? { constraints } : {}),
      validity,
    },
    certs: path.chain,
    anchor: path.anchor,
    path,
  };
}
