/**
 * Evaluates every algorithm a signature and its certificate chain use against a crypto policy: facts (which
 * algorithm, where, at what time, accepted or not and by which rule), not a verdict. The verdict policy maps a
 * rejected use to CRYPTO_CONSTRAINTS_FAILURE.
 */
import type * as pkijs from 'pkijs';
import {
  DIGEST_OIDS,
  digestByOid,
  publicKeyInfo,
  signatureAlgorithmInfo,
  type DigestName,
  type SignatureAlgorithmInfo,
  type SignatureScheme,
} from './algorithms.js';
import type { CryptoPolicyCode } from './messages.js';
import { DEFAULT_CRYPTO_POLICY, type CryptoFlag, type CryptoPolicy, type DateBound } from './policy.js';

export type CryptoOutcome = Exclude<CryptoPolicyCode, CryptoFlag>;

/** One use of one algorithm. */
export interface AlgorithmUse {
  /** Whose use: the signature itself, or a certificate of the chain. */
  subject: 'signature' | 'certificate';
  /** Certificate uses: the certificate's position in the chain (0 = the signer's certificate). */
  index?: number;
  /**
   * digest: a digest (the SignerInfo's, or the one a signature algorithm names); document-digest: the digest over
   * the signed bytes when it is another (adbe.pkcs7.sha1's SHA-1, a document timestamp's imprint); mgf-digest:
   * RSASSA-PSS's MGF1 digest; signature-scheme: the padding/algorithm; public-key: a key (the signer's, or a
   * certificate's).
   */
  kind: 'digest' | 'document-digest' | 'mgf-digest' | 'signature-scheme' | 'public-key';
  /** A readable name: "SHA-256", "RSASSA-PSS", "RSA-2048", "EC P-256", or the OID when unknown. */
  algorithm: string;
  oid: string;
  keyBits?: number;
  curve?: string;
  /** The time of use the policy was applied at. */
  at: Date;
  accepted: boolean;
  outcome: CryptoOutcome;
  /** The policy rule that decided, e.g. "digests.SHA-1 (until 2014-01-01T00:00:00Z)" or "keys.RSA ≥ 2048". */
  rule: string;
  /** A fact about the algorithm the policy attaches whatever the outcome (e.g. SHA_1, RSA_PKCS1_V1_5). */
  flag?: CryptoFlag;
}

export interface CryptoFacts {
  policyId: string;
  uses: AlgorithmUse[];
  /** The uses the policy does not accept (empty when every use is accepted). */
  rejected: AlgorithmUse[];
  /** Flags of every use (accepted or not), each once. */
  flags: CryptoFlag[];
}

/** The signature's algorithms; CmsFacts from parseCms fits as is. */
export interface SignatureAlgorithmsInput {
  digestAlgorithmOid?: string;
  signatureAlgorithmOid?: string;
  signatureAlgorithmParams?: unknown;
  signerCertificate?: pkijs.Certificate | null;
  /** The digest over the document's bytes when the SignerInfo's digest is not it (IntegrityFacts.digestAlgorithm). */
  documentDigest?: DigestName;
}

export interface CryptoPolicyInput {
  /** The signature (or timestamp token) to evaluate. */
  signature?: SignatureAlgorithmsInput;
  /** Its certificate chain, leaf first (e.g. PathFacts.chain). */
  chain?: readonly pkijs.Certificate[];
  /** The trust anchor (e.g. PathFacts.anchor): its self-signature is not a use, its key is. */
  anchor?: pkijs.Certificate;
  /** Time of use of the signature: its best signature time (a trusted timestamp), else the validation time. */
  at: Date;
  /** Time of use for the chain's certificates; defaults to `at`. */
  chainAt?: Date;
}

function inForce(bound: DateBound, at: Date): boolean {
  return bound.until === undefined || at.getTime() < Date.parse(bound.until);
}

function untilText(bound: DateBound): string {
  return bound.until ? ` (until ${bound.until})` : '';
}

type Decision = Pick<AlgorithmUse, 'accepted' | 'outcome' | 'rule' | 'flag'>;

const accept = (rule: string, flag?: CryptoFlag): Decision => ({
  accepted: true,
  outcome: 'ACCEPTED',
  rule,
  ...(flag ? { flag } : {}),
});
// A flag is a fact about the algorithm, so a rejected use keeps it too (a report still says "SHA-1").
const reject = (outcome: CryptoOutcome, rule: string, flag?: CryptoFlag): Decision => ({
  accepted: false,
  outcome,
  rule,
  ...(flag ? { flag } : {}),
});

function decideDigest(policy: CryptoPolicy, digest: DigestName | undefined, at: Date): Decision {
  if (!digest) return reject('UNKNOWN_ALGORITHM', 'digests');
  const bound = policy.digests[digest];
  if (!bound) return reject('NOT_ALLOWED', `digests: ${digest} not listed`);
  const rule = `digests.${digest}${untilText(bound)}`;
  return inForce(bound, at) ? accept(rule, bound.flag) : reject('EXPIRED', rule, bound.flag);
}

function decideScheme(policy: CryptoPolicy, scheme: SignatureScheme | undefined, at: Date): Decision {
  if (!scheme) return reject('UNKNOWN_ALGORITHM', 'schemes');
  const rule = policy.schemes[scheme];
  if (!rule) return reject('NOT_ALLOWED', `schemes: ${scheme} not listed`);
  const text = `schemes.${scheme}${untilText(rule)}`;
  return inForce(rule, at) ? accept(text, rule.flag) : reject('EXPIRED', text, rule.flag);
}

function keyUse(
  policy: CryptoPolicy,
  spki: pkijs.PublicKeyInfo,
  at: Date,
): Omit<AlgorithmUse, 'subject' | 'index' | 'kind'> {
  const key = publicKeyInfo(spki);
  const name =
    key.family === 'EC'
      ? `EC ${key.curve}`
      : key.family === 'RSA' || key.family === 'DSA'
        ? `${key.family}-${key.bits ?? '?'}`
        : (key.family ?? key.oid);
  const base = {
    algorithm: name,
    oid: key.oid,
    at,
    ...(key.bits !== undefined ? { keyBits: key.bits } : {}),
    ...(key.curve ? { curve: key.curve } : {}),
  };
  if (!key.family) return { ...base, ...reject('UNKNOWN_ALGORITHM', 'keys') };
  const rules = policy.keys[key.family];
  if (!rules || rules.length === 0) return { ...base, ...reject('NOT_ALLOWED', `keys: ${key.family} not listed`) };
  if (key.bits === undefined)
    return { ...base, ...reject(key.family === 'EC' ? 'CURVE_NOT_ALLOWED' : 'KEY_UNREADABLE', `keys.${key.family}`) };
  if (key.family === 'EC' && policy.curves && !policy.curves.includes(key.curve ?? '')) {
    return { ...base, ...reject('CURVE_NOT_ALLOWED', `curves: ${key.curve} not listed`) };
  }
  const bits = key.bits;
  const fitting = rules.filter((r) => r.minBits <= bits);
  const inTime = fitting.find((r) => inForce(r, at));
  if (inTime) return { ...base, ...accept(`keys.${key.family} ≥ ${inTime.minBits}${untilText(inTime)}`) };
  const [expired] = fitting;
  if (expired) return { ...base, ...reject('EXPIRED', `keys.${key.family} ≥ ${expired.minBits}${untilText(expired)}`) };
  const min = Math.min(...rules.map((r) => r.minBits));
  return { ...base, ...reject('KEY_TOO_SMALL', `keys.${key.family} ≥ ${min}`) };
}

function schemeUses(
  policy: CryptoPolicy,
  info: SignatureAlgorithmInfo,
  at: Date,
  messageDigest: DigestName | undefined,
  where: Pick<AlgorithmUse, 'subject' | 'index'>,
): AlgorithmUse[] {
  const out: AlgorithmUse[] = [];
  const scheme = info.scheme;
  let decision = decideScheme(policy, scheme, at);
  if (decision.accepted && scheme === 'RSASSA-PSS') {
    const pss = info.pss;
    if (!pss || 'malformed' in pss || pss.trailerField !== 1)
      decision = reject('PSS_PARAMETERS', 'RSASSA-PSS parameters');
  }
  // EdDSA signatures in CMS fix the message digest (RFC 8419); certificates are signed "pure", with no digest.
  const allowed = scheme ? policy.schemes[scheme]?.digests : undefined;
  if (
    decision.accepted &&
    allowed &&
    where.subject === 'signature' &&
    messageDigest &&
    !allowed.includes(messageDigest)
  ) {
    decision = reject('DIGEST_NOT_ALLOWED_FOR_SCHEME', `schemes.${scheme}.digests: ${allowed.join(', ')}`);
  }
  out.push({ ...where, kind: 'signature-scheme', algorithm: scheme ?? info.oid, oid: info.oid, at, ...decision });
  if (info.digest && info.digest !== messageDigest) {
    out.push({
      ...where,
      kind: 'digest',
      algorithm: info.digest,
      oid: info.oid,
      at,
      ...decideDigest(policy, info.digest, at),
    });
  } else if (!info.digest && scheme === 'RSASSA-PSS') {
    out.push({
      ...where,
      kind: 'digest',
      algorithm: info.oid,
      oid: info.oid,
      at,
      ...reject('UNKNOWN_ALGORITHM', 'RSASSA-PSS hash'),
    });
  }
  if (info.pss && !('malformed' in info.pss) && info.pss.mgfDigest !== info.digest) {
    const mgf = info.pss.mgfDigest;
    out.push({
      ...where,
      kind: 'mgf-digest',
      algorithm: mgf ?? 'unknown',
      oid: info.oid,
      at,
      ...decideDigest(policy, mgf, at),
    });
  }
  return out;
}

/** Every algorithm use of a signature. */
export function signatureAlgorithmUses(
  input: SignatureAlgorithmsInput,
  at: Date,
  policy: CryptoPolicy = DEFAULT_CRYPTO_POLICY,
): AlgorithmUse[] {
  const where = { subject: 'signature' as const };
  const out: AlgorithmUse[] = [];
  const messageDigest = digestByOid(input.digestAlgorithmOid);
  out.push({
    ...where,
    kind: 'digest',
    algorithm: messageDigest ?? input.digestAlgorithmOid ?? 'unknown',
    oid: input.digestAlgorithmOid ?? '',
    at,
    ...decideDigest(policy, messageDigest, at),
  });
  // The document is only as safe as the digest over its bytes: with adbe.pkcs7.sha1 that is SHA-1 whatever the
  // SignerInfo says.
  if (input.documentDigest && input.documentDigest !== messageDigest) {
    const oid = Object.keys(DIGEST_OIDS).find((o) => DIGEST_OIDS[o] === input.documentDigest) ?? '';
    out.push({
      ...where,
      kind: 'document-digest',
      algorithm: input.documentDigest,
      oid,
      at,
      ...decideDigest(policy, input.documentDigest, at),
    });
  }
  const info = signatureAlgorithmInfo(input.signatureAlgorithmOid, input.signatureAlgorithmParams);
  out.push(...schemeUses(policy, info, at, messageDigest, where));
  if (input.signerCertificate) {
    out.push({ ...where, kind: 'public-key', ...keyUse(policy, input.signerCertificate.subjectPublicKeyInfo, at) });
  }
  return out;
}

/** Every algorithm use of a certificate chain (leaf first): each certificate's signature and key. */
export function chainAlgorithmUses(
  chain: readonly pkijs.Certificate[],
  at: Date,
  policy: CryptoPolicy = DEFAULT_CRYPTO_POLICY,
  anchor?: pkijs.Certificate,
): AlgorithmUse[] {
  const out: AlgorithmUse[] = [];
  chain.forEach((cert, index) => {
    const where = { subject: 'certificate' as const, index };
    // The anchor is trusted as given: how it signed itself does not matter, the key it signs with does.
    if (cert !== anchor) {
      const info = signatureAlgorithmInfo(cert.signatureAlgorithm.algorithmId, cert.signatureAlgorithm.algorithmParams);
      out.push(...schemeUses(policy, info, at, undefined, where));
    }
    out.push({ ...where, kind: 'public-key', ...keyUse(policy, cert.subjectPublicKeyInfo, at) });
  });
  return out;
}

/** The crypto facts of a signature and its chain under `policy` (default: DEFAULT_CRYPTO_POLICY). Never throws. */
export function evaluateCryptoPolicy(
  input: CryptoPolicyInput,
  policy: CryptoPolicy = DEFAULT_CRYPTO_POLICY,
): CryptoFacts {
  const uses = [
    ...(input.signature ? signatureAlgorithmUses(input.signature, input.at, policy) : []),
    ...(input.chain ? chainAlgorithmUses(input.chain, input.chainAt ?? input.at, policy, input.anchor) : []),
  ];
  const flags = [...new Set(uses.filter((u) => u.flag).map((u) => u.flag as CryptoFlag))];
  return { policyId: policy.id, uses, rejected: uses.filter((u) => !u.accepted), flags };
}
