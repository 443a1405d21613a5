/**
 * The facts gathered for each signature before any verdict: integrity, coverage, modifications, signer and chain,
 * times (claimed and timestamped), revocation and algorithms. The verdict policy (../policy) reads only these.
 */
import type { HiddenSignature, IntegrityFacts, SignatureKind, XrefFragment } from '../signature/index.js';
import type { ModificationAnalysis } from '../modifications/index.js';
import type { CertificateSummary } from './certificate-summary.js';
import type { SignatureTransforms } from './transforms.js';
import type { CryptoFacts } from '../crypto-policy/index.js';

export type PadesLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

/** The signer's certification path, as the trust module found it. */
export interface ChainFacts {
  /** A path from the signer certificate to one of the caller's trust anchors was built. */
  found: boolean;
  /** The path, signer first, anchor last (empty when not found). */
  path: CertificateSummary[];
  /** Structural problems of the path (signatures, CA flags, constraints), as codes; empty when sound. */
  problems: string[];
  /** Why the signer's own certificate may not sign documents (keyUsage, extendedKeyUsage), as codes with detail; empty or absent when fit. */
  constraints?: string[];
  /**
   * The first certificate of the path not valid at a time, per time asked about: the best signature time, the
   * validation time and the claimed signing time (ISO, as SignatureFacts gives them).
   */
  validity: { at: string; status: 'VALID' | 'EXPIRED' | 'NOT_YET_VALID'; certificate?: string }[];
}

export interface TimestampFacts {
  kind: 'signature-timestamp' | 'document-timestamp';
  /** genTime of the token. */
  time: string;
  /** Imprint and token signature check out. */
  intact: boolean;
  /** The TSA's chain reaches a trust anchor and is valid at the time of use. */
  trusted: boolean;
  tsa: CertificateSummary | null;
  /**
   * The end of the TSA chain's validity (its earliest notAfter), ISO; null when no chain was built. Until then
   * the token proves existence on its own; after it only with a later proof of its own (EN 319 102-1 §5.6: an
   * archive or document timestamp made before then).
   */
  validUntil: string | null;
  /** Usable as proof of existence at the validation time: intact, trusted, and valid now or proven before validUntil. */
  provesExistence: boolean;
  problems: string[];
  /** For document timestamps: the index (in the report) of the doc-timestamp signature. */
  signatureIndex?: number;
}

export type RevocationStatus = 'GOOD' | 'REVOKED' | 'UNKNOWN' | 'NOT_CHECKED';

export interface CertificateRevocation {
  certificate: string;
  status: RevocationStatus;
  /** When revoked: the revocation time and reason. */
  revokedAt?: string;
  reason?: string;
  /** Where the evidence came from: 'DSS', 'VRI', 'CMS' (adbe-revocationInfoArchival), 'TIMESTAMP', 'ONLINE'. */
  source?: string;
  /** OCSP producedAt or CRL thisUpdate of the evidence used. */
  producedAt?: string;
  problems: string[];
}

export interface RevocationFacts {
  /** One entry per certificate of the path that needs a status (not the anchor). */
  certificates: CertificateRevocation[];
}

export interface SignatureFacts {
  /** Position in revision order (0 = applied first). */
  index: number;
  fieldName: string | null;
  kind: SignatureKind;
  filter: string | undefined;
  subFilter: string | undefined;
  /** The revision whose bytes the signature covers (-1 when unknown). */
  signedRevision: number;
  /** The signature dictionary's object ("12 0 R"); null when it is direct inside its field. */
  signatureObject: string | null;
  /** /M, as an ISO time (claimed by the signer's software, not proven). */
  claimedSigningTime: string | null;
  reason: string | undefined;
  location: string | undefined;
  integrity: IntegrityFacts;
  transforms: SignatureTransforms;
  modifications: ModificationAnalysis;
  signer: CertificateSummary | null;
  chain: ChainFacts;
  /** The signature's own timestamp(s), then document timestamps applied after it. */
  timestamps: TimestampFacts[];
  /** The earliest time the signature is proven to have existed: a trusted timestamp, else the validation time. */
  bestSignatureTime: { time: string; source: 'signature-timestamp' | 'document-timestamp' | 'validation-time' };
  revocation: RevocationFacts;
  crypto: CryptoFacts;
  level: PadesLevel | null;
  /** Null when the newest revision's form still reaches the signature; else the later update that hid it. */
  hidden: HiddenSignature | null;
  /** What `hidden` says, in words (field, revisions, how); null when not hidden. */
  hiddenDetail: string | null;
  /** Revisions after the signed one that change no object (appended xref sections and trailers). */
  xrefFragments: XrefFragment[];
}

export interface DocumentFacts {
  /** The time the validation is made as of (the caller's `at`, or now). */
  validationTime: string;
  revisions: number;
  /** Recovered from broken cross-reference data. */
  recovered: boolean;
  signatures: SignatureFacts[];
  /**
   * Signature dictionaries (a /ByteRange and /Contents) among the objects no cross-reference section refers to, looked
   * for when no signature is reachable: a later update whose /Prev skips the signed revision leaves the signature in
   * the file and out of what viewers show.
   */
  unreachedSignatures: { object: number; offset: number }[];
}
