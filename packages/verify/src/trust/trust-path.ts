/**
 * buildTrustPath: from a leaf certificate and a pool of candidates (CMS certificates, DSS certificates, given
 * intermediates, optionally AIA) to one of the caller's trust anchors — nothing is trusted by default — and the
 * RFC 5280 facts of the path found: which certificates, who signed what, extensions, validity periods, problems.
 * Facts, not a verdict: the validator's policy decides what a problem means.
 */
import type * as pkijs from 'pkijs';
import { toCertificate, type CertificateInput } from '../revocation/certificates.js';
import type { AiaFetch, AiaOptions } from './aia.js';
import { candidatePaths, type CandidatePath } from './chain-builder.js';
import type { SignatureCheck } from './certificate-signature.js';
import { readExtensions, type CertificateExtensions, type KeyUsageName } from './extensions.js';
import { TrustError } from './messages.js';
import { isSelfIssued, nameText, sameCertificate, serialHex } from './names.js';
import { signatureCache, validatePath, type PathProblem } from './path-validation.js';
import { validityOf, type ValidityPeriod } from './validity.js';

export interface TrustOptions {
  /** The trust anchors (DER, PEM or parsed). Several are allowed; an empty list trusts nothing. */
  anchors: readonly CertificateInput[];
  /** Candidate intermediates: the CMS certificates, the DSS certificates, caller-given ones. Unreadable ones are skipped. */
  certificates?: readonly CertificateInput[];
  /** Preferred time when several issuers match (default now). Validity itself is evaluated with validAt. */
  at?: Date;
  /** Most certificates in a path, anchor included (default 10). */
  maxDepth?: number;
  /** Most candidate paths validated before giving up on a clean one (default 16). */
  maxPaths?: number;
  /** Apply the anchor certificate's pathLen and name constraints to the path (default true). */
  anchorConstraints?: boolean;
  /** Fetch missing issuers from AIA caIssuers (off by default). */
  aia?: AiaOptions;
  /**
   * More anchors and candidate intermediates for certificates AIA brought: a trust profile narrowed to the
   * document's certificates gives those that link to the new ones.
   */
  widen?(certificates: readonly pkijs.Certificate[]): {
    anchors: pkijs.Certificate[];
    intermediates: pkijs.Certificate[];
  };
}

/** Where a certificate of the path came from. */
export type CertificateSource = 'leaf' | 'given' | 'aia' | 'anchor';

/** The facts of one certificate of the path. */
export interface PathCertificate {
  certificate: pkijs.Certificate;
  subject: string;
  issuer: string;
  /** Upper-case hex, as in the certificate. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  selfIssued: boolean;
  source: CertificateSource;
  /** Its signature checked with the next certificate's key; 'not-checked' for the anchor and beyond a dead end. */
  signature: SignatureCheck | 'not-checked';
  extensions: CertificateExtensions;
}

export interface PathFacts {
  /** A path to an anchor was built (it may still have problems). */
  found: boolean;
  /** Leaf … anchor when found; otherwise leaf … the last issuer found. */
  chain: pkijs.Certificate[];
  anchor?: pkijs.Certificate;
  /** Parallel to `chain`. */
  certificates: PathCertificate[];
  /** Parallel to `chain`: each certificate's notBefore/notAfter (evaluate with validAt). */
  validity: ValidityPeriod[];
  /** The chosen path's problems; empty means RFC 5280 validation (validity periods aside) succeeded. */
  problems: PathProblem[];
  /** The leaf's extendedKeyUsage purposes (e.g. KEY_PURPOSES.timeStamping); null when it has none (unrestricted). */
  leafExtendedKeyUsage: string[] | null;
  /** The leaf's keyUsage; null when it has none (unrestricted). */
  leafKeyUsage: KeyUsageName[] | null;
  /** Valid certificate policies for the path (anyPolicy when unrestricted); null when none is valid. */
  policies: string[] | null;
  /** How many complete candidate paths were validated. */
  pathsTried: number;
  /** AIA requests made, in order. */
  aia: AiaFetch[];
  /** Given pool certificates that could not be read. */
  ignoredCertificates: number;
}

const DEFAULT_MAX_DEPTH = 10;
const DEFAULT_MAX_PATHS = 16;

function readAnchor(input: CertificateInput, index: number): pkijs.Certificate {
  try {
    return toCertificate(input);
  } catch {
    throw new TrustError('TRUST_BAD_CERTIFICATE', { anchor: index });
  }
}

/** Builds and validates a path from `leaf` to one of `options.anchors`. Throws TrustError only for an unreadable leaf or anchor. */
export async function buildTrustPath(leafInput: CertificateInput, options: TrustOptions): Promise<PathFacts> {
  let leaf: pkijs.Certificate;
  try {
    leaf = toCertificate(leafInput);
  } catch {
    throw new TrustError('TRUST_BAD_CERTIFICATE', { leaf: true });
  }
  const anchors = options.anchors.map(readAnchor);
  const pool: pkijs.Certificate[] = [];
  let ignored = 0;
  for (const input of options.certificates ?? []) {
    try {
      const c = toCertificate(input);
      if (!pool.some((p) => sameCertificate(p, c))) pool.push(c);
    } catch {
      ignored++;
    }
  }
  const fetched: pkijs.Certificate[] = [];
  const ctx = {
    anchors,
    pool,
    maxDepth: Math.max(1, options.maxDepth ?? DEFAULT_MAX_DEPTH),
    at: options.at ?? new Date(),
    ...(options.aia ? { aia: options.aia } : {}),
    aiaLog: [] as AiaFetch[],
    fetched,
    ...(options.widen ? { widen: options.widen } : {}),
  };
  const maxPaths = Math.max(1, options.maxPaths ?? DEFAULT_MAX_PATHS);
  const checkSignature = signatureCache();

  let best: { path: CandidatePath; v: Awaited<ReturnType<typeof validatePath>> } | null = null;
  let longestDeadEnd: CandidatePath | null = null;
  let tried = 0;
  for await (const path of candidatePaths(leaf, ctx)) {
    if (!path.anchor) {
      if (!longestDeadEnd || path.chain.length > longestDeadEnd.chain.length) longestDeadEnd = path;
      continue;
    }
    tried++;
    const v = await validatePath(path.chain, { anchorConstraints: options.anchorConstraints, checkSignature });
    if (!best || v.problems.length < best.v.problems.length) best = { path, v };
    if (v.problems.length === 0 || tried >= maxPaths) break;
  }

  const source = (c: pkijs.Certificate, i: number, anchor: pkijs.Certificate | null): CertificateSource =>
    i === 0 ? 'leaf' : c === anchor ? 'anchor' : fetched.includes(c) ? 'aia' : 'given';
  const describe = (
    chain: pkijs.Certificate[],
    anchor: pkijs.Certificate | null,
    sigs: Array<SignatureCheck | 'not-checked'>,
  ) =>
    chain.map(
      (c, i): PathCertificate => ({
        certificate: c,
        subject: nameText(c.subject),
        issuer: nameText(c.issuer),
        serialNumber: serialHex(c),
        ...validityOf(c),
        selfIssued: isSelfIssued(c),
        source: source(c, i, anchor),
        signature: sigs[i] ?? 'not-checked',
        extensions: readExtensions(c),
      }),
    );
  const leafX = readExtensions(leaf);
  const common = {
    leafExtendedKeyUsage: leafX.extendedKeyUsage,
    leafKeyUsage: leafX.keyUsage,
    pathsTried: tried,
    aia: ctx.aiaLog,
    ignoredCertificates: ignored,
  };

  if (best) {
    const { chain, anchor } = best.path;
    const certificates = describe(chain, anchor, best.v.signatures);
    return {
      found: true,
      chain,
      ...(anchor ? { anchor } : {}),
      certificates,
      validity: certificates.map((c) => ({ notBefore: c.notBefore, notAfter: c.notAfter })),
      problems: best.v.problems,
      policies: best.v.policies,
      ...common,
    };
  }

  const chain = longestDeadEnd?.chain ?? [leaf];
  const last = chain.length - 1;
  const certificates = describe(chain, null, []);
  const top = certificates[last] ?? { subject: '', issuer: '' }; // the chain holds at least the leaf
  const code = longestDeadEnd?.stop === 'TOO_LONG' ? ('CHAIN_TOO_LONG' as const) : ('NO_CHAIN' as const);
  const detail =
    anchors.length === 0
      ? 'no trust anchor was given'
      : code === 'CHAIN_TOO_LONG'
        ? `more than ${ctx.maxDepth} certificates`
        : `no anchor or given certificate issued "${top.subject}" (issuer "${top.issuer}")`;
  return {
    found: false,
    chain,
    certificates,
    validity: certificates.map((c) => ({ notBefore: c.notBefore, notAfter: c.notAfter })),
    problems: [{ code, index: last, subject: top.subject, detail }],
    policies: null,
    ...common,
  };
}

/** Whether an extendedKeyUsage list allows `purpose`: no extension allows everything, anyExtendedKeyUsage too unless `strict`. */
export function extendedKeyUsageAllows(
  ekus: readonly string[] | null,
  purpose: string,
  options: { strict?: boolean } = {},
): boolean {
  if (ekus === null) return !options.strict;
  return ekus.includes(purpose) || (!options.strict && ekus.includes('2.5.29.37.0'));
}
