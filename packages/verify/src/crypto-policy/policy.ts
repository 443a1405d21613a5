/**
 * The crypto policy as data (DOMAIN.md §10.4, Circular 15/2025/TT-BKHCN Annex I): which digests, signature schemes
 * and key sizes are accepted, and until when. A use is accepted when its time (the signature's best time, or the
 * validation time) is before the rule's `until`; an algorithm the policy does not list is not accepted.
 */
import type { DigestName, KeyFamily, SignatureScheme } from './algorithms.js';

/** A rule's end: accepted for uses strictly before `until` (ISO 8601); no `until` means no end. */
export interface DateBound {
  until?: string;
}

export interface KeySizeRule extends DateBound {
  minBits: number;
}

/**
 * Facts about an algorithm a report should show, attached to every use of it whether accepted or not: PKCS#1 v1.5
 * (accepted, a more recommended scheme exists) and SHA-1 (broken for collisions, accepted only for old signatures).
 */
export type CryptoFlag = 'RSA_PKCS1_V1_5' | 'SHA_1';

/** A digest's rule: its end, and a flag every use of it carries. */
export interface DigestRule extends DateBound {
  flag?: CryptoFlag;
}

export interface SchemeRule extends DateBound {
  /** Digests the scheme may be used with in a signature (EdDSA fixes them, RFC 8419); absent: any accepted digest. */
  digests?: readonly DigestName[];
  /** Attached to every use of the scheme. */
  flag?: CryptoFlag;
}

export interface CryptoPolicy {
  /** A stable name for reports. */
  id: string;
  description: string;
  digests: Readonly<Partial<Record<DigestName, DigestRule>>>;
  schemes: Readonly<Partial<Record<SignatureScheme, SchemeRule>>>;
  /** A key is accepted when one rule of its family has `minBits` ≤ its size and is in force at the time of use. */
  keys: Readonly<Partial<Record<KeyFamily, readonly KeySizeRule[]>>>;
  /** EC curves accepted (catalogue names); absent: any named curve that meets the EC key size rules. */
  curves?: readonly string[];
}

/**
 * The cut-off for SHA-1 and RSA below 2048 bits: NIST SP 800-131A disallowed both for signature generation after
 * 2013, the date EU DSS and most validators follow. A signature whose best time is before it may still pass.
 */
export const LEGACY_CUTOFF = '2014-01-01T00:00:00Z';

/**
 * kyso's default: Annex I's digests (SHA-2 incl. SHA-512/224 and /256, SHA3, SHAKE), RSA ≥ 2048 (PKCS#1 v1.5
 * accepted but flagged, PSS accepted), ECDSA ≥ 256 bits on the NIST and Brainpool curves, Ed25519 (with SHA-512)
 * and Ed448 (with SHAKE256) as EU DSS and pyHanko accept them, SHA-1 (always flagged) and RSA-1024 only before LEGACY_CUTOFF.
 */
export const DEFAULT_CRYPTO_POLICY: CryptoPolicy = {
  id: 'kyso-default-2025',
  description: 'Circular 15/2025/TT-BKHCN Annex I, with SHA-1 and RSA < 2048 accepted only before 2014-01-01',
  digests: {
    'SHA-1': { until: LEGACY_CUTOFF, flag: 'SHA_1' },
    'SHA-256': {},
    'SHA-384': {},
    'SHA-512': {},
    'SHA-512/224': {},
    'SHA-512/256': {},
    'SHA3-224': {},
    'SHA3-256': {},
    'SHA3-384': {},
    'SHA3-512': {},
    SHAKE128: {},
    SHAKE256: {},
  },
  schemes: {
    'RSASSA-PKCS1-v1_5': { flag: 'RSA_PKCS1_V1_5' },
    'RSASSA-PSS': {},
    ECDSA: {},
    Ed25519: { digests: ['SHA-512'] },
    Ed448: { digests: ['SHAKE256'] },
  },
  keys: {
    RSA: [{ minBits: 2048 }, { minBits: 1024, until: LEGACY_CUTOFF }],
    EC: [{ minBits: 256 }],
    Ed25519: [{ minBits: 256 }],
    Ed448: [{ minBits: 448 }],
  },
  curves: ['P-256', 'P-384', 'P-521', 'brainpoolP256r1', 'brainpoolP384r1', 'brainpoolP512r1'],
};
