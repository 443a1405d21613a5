/**
 * The validation report: per signature, in the order applied, the verdict with the facts a person and a program
 * need (the DESIGN.md `--json` contract, extended). Built from facts and verdicts; adds no judgement of its own.
 */
import type { Indication, SubIndication } from '../indications.js';
import type { Finding } from '../policy/findings.js';
import { verdictOf, type Verdict } from '../policy/verdict.js';
import type { CertificateSummary } from '../validate/certificate-summary.js';
import type { DocumentFacts, PadesLevel, RevocationStatus, SignatureFacts } from '../validate/facts.js';
import type { Coverage, SignatureKind } from '../signature/index.js';
import { conclusionOf, type Conclusion } from './conclusion.js';

export interface SignerReport {
  commonName: string | null;
  organization: string | null;
  organizationalUnit: string | null;
  subject: string;
  serialNumber: string;
  /** The issuing CA (DOMAIN.md §10.2 V11). */
  issuer: { commonName: string | null; organization: string | null; subject: string };
  /** The certificate's validity period. */
  validFrom: string;
  validTo: string;
  publicKey: string;
}

export interface SignatureReport {
  index: number;
  fieldName: string | null;
  kind: SignatureKind;
  indication: Indication;
  subIndication: SubIndication | null;
  /** The signed bytes are unchanged and the signature value verifies. */
  intact: boolean;
  coverage: Coverage;
  modifications: 'NONE' | 'ALLOWED' | 'DISALLOWED';
  signer: SignerReport | null;
  /** The best known signing time: a trusted timestamp's when there is one, else the time the signer claims (/M). */
  signingTime: string | null;
  signingTimeSource: 'timestamp' | 'claimed' | null;
  claimedSigningTime: string | null;
  level: PadesLevel | null;
  subFilter: string | null;
  /** The revision (0-based) whose bytes the signature covers. */
  revision: number;
  /** The signature dictionary ("12 0 R"); null when it is direct inside its field. */
  signatureObject: string | null;
  /** The signed bytes as [offset, length] pairs (the ByteRange); null when it is not usable. */
  byteRange: [number, number][] | null;
  reason: string | null;
  location: string | null;
  /**
   * The signer's path was within its validity period at `signingTime` (the timestamp's when one proves it, else the
   * claimed time); null when there is no signing time. A fact for the reader, not the verdict's basis: see
   * `certificateValidAtBestSignatureTime`.
   */
  certificateValidAtSigningTime: boolean | null;
  /** Within its validity period at the time the signer claims (/M, else the CMS signingTime attribute): not proven. */
  certificateValidAtClaimedTime: boolean | null;
  /**
   * Within its validity period at the best signature time: the earliest timestamp that proves existence, else the
   * validation time. This is what the verdict judges (EN 319 102-1: expired without such proof is OUT_OF_BOUNDS_NO_POE).
   */
  certificateValidAtBestSignatureTime: boolean | null;
  /** The earliest time the signature is proven to have existed, and what proves it. */
  bestSignatureTime: { time: string; source: 'signature-timestamp' | 'document-timestamp' | 'validation-time' };
  /** The same two facts in full: the status at each time and the first certificate of the path out of its period. */
  certificateValidity: {
    atClaimedTime: ValidityAt | null;
    atBestSignatureTime: ValidityAt | null;
  };
  /** A path to a trust anchor was found and it validates (RFC 5280: signatures, CA flags, constraints); signer first. */
  trustedChain: boolean;
  chain: string[];
  timestamps: {
    kind: 'signature-timestamp' | 'document-timestamp';
    time: string;
    intact: boolean;
    trusted: boolean;
    provesExistence: boolean;
    tsaValidUntil: string | null;
    tsa: string | null;
  }[];
  revocation: { certificate: string; status: RevocationStatus; source: string | null; revokedAt: string | null }[];
  /** Changes after this signature that were not plain additions of signatures or validation data. */
  changes: { revision: number; kind: string; allowed: boolean; reason: string }[];
  certification: { docMdp: 1 | 2 | 3 } | null;
  /** Null when the document as it stands still shows the signature; else the later update that hid it, and how. */
  hidden: { revision: number; cause: string; detail: string } | null;
  reasons: Finding[];
  warnings: Finding[];
  /** Technical facts that are not problems (e.g. CRYPTO_FLAGGED for RSA PKCS#1 v1.5). */
  notes: Finding[];
}

export interface ValidityAt {
  time: string;
  status: 'VALID' | 'EXPIRED' | 'NOT_YET_VALID';
  /** The first certificate of the path (signer first) out of its period at that time; null when VALID. */
  certificate: string | null;
}

export interface ValidationReport {
  validationTime: string;
  revisions: number;
  recovered: boolean;
  signatures: SignatureReport[];
  /**
   * Only when the file holds signature dictionaries no cross-reference data reaches and no signature is reachable (a
   * later update's /Prev skipped the signed revision): their object numbers and offsets. The conclusion is then
   * FAILED, never NO_SIGNATURE.
   */
  unreachedSignatures?: { object: number; offset: number }[];
  /** The one-line outcome for the whole file (vi/en), as the human report ends with it. */
  conclusion: Conclusion;
}

function signerReport(c: CertificateSummary | null): SignerReport | null {
  if (!c) return null;
  return {
    commonName: c.commonName ?? null,
    organization: c.organization ?? null,
    organizationalUnit: c.organizationalUnit ?? null,
    subject: c.text,
    serialNumber: c.serialNumber,
    issuer: {
      commonName: c.issuer.commonName ?? null,
      organization: c.issuer.organization ?? null,
      subject: c.issuer.text,
    },
    validFrom: c.notBefore,
    validTo: c.notAfter,
    publicKey: c.publicKey,
  };
}

/** The path's validity at `time` as the facts hold it (asked for in gather.ts); null when not asked or no path. */
export function validityAt(f: SignatureFacts, time: string | null): ValidityAt | null {
  if (!time || !Number.isFinite(Date.parse(time))) return null;
  const iso = new Date(time).toISOString();
  const v = f.chain.validity.find((x) => x.at === iso);
  return v ? { time: iso, status: v.status, certificate: v.certificate ?? null } : null;
}

const validAt = (v: ValidityAt | null): boolean | null => (v ? v.status === 'VALID' : null);

export function signatureReport(f: SignatureFacts, v: Verdict): SignatureReport {
  const tsTime = f.bestSignatureTime.source === 'validation-time' ? null : f.bestSignatureTime.time;
  const atClaimedTime = validityAt(f, f.claimedSigningTime);
  const atBestSignatureTime = validityAt(f, f.bestSignatureTime.time);
  return {
    index: f.index,
    fieldName: f.fieldName,
    kind: f.kind,
    indication: v.indication,
    subIndication: v.subIndication,
    intact: f.integrity.intact,
    coverage: f.integrity.byteRange.coverage,
    modifications: f.modifications.verdict,
    signer: signerReport(f.signer),
    signingTime: tsTime ?? f.claimedSigningTime,
    signingTimeSource: tsTime ? 'timestamp' : f.claimedSigningTime ? 'claimed' : null,
    claimedSigningTime: f.claimedSigningTime,
    level: f.level,
    subFilter: f.subFilter ?? null,
    revision: f.signedRevision,
    signatureObject: f.signatureObject,
    byteRange: f.integrity.byteRange.ranges?.map(([o, l]) => [o, l]) ?? null,
    reason: f.reason ?? null,
    location: f.location ?? null,
    certificateValidAtSigningTime: validAt(tsTime ? atBestSignatureTime : atClaimedTime),
    certificateValidAtClaimedTime: validAt(atClaimedTime),
    certificateValidAtBestSignatureTime: validAt(atBestSignatureTime),
    bestSignatureTime: { ...f.bestSignatureTime },
    certificateValidity: { atClaimedTime, atBestSignatureTime },
    // a path reached by name alone (a look-alike root) is found but not trusted
    trustedChain: f.chain.found && f.chain.problems.length === 0,
    chain: f.chain.path.map((c) => c.commonName ?? c.text),
    timestamps: f.timestamps.map((t) => ({
      kind: t.kind,
      time: t.time,
      intact: t.intact,
      trusted: t.trusted,
      provesExistence: t.provesExistence,
      tsaValidUntil: t.validUntil,
      tsa: t.tsa?.commonName ?? t.tsa?.text ?? null,
    })),
    revocation: f.revocation.certificates.map((r) => ({
      certificate: r.certificate,
      status: r.status,
      source: r.source ?? null,
      revokedAt: r.revokedAt ?? null,
    })),
    changes: f.modifications.changes
      .filter((c) => c.level !== 'NONE' && c.level !== 'LTA_UPDATES')
      .slice(0, 50)
      .map((c) => ({ revision: c.revision, kind: c.kind, allowed: c.allowed, reason: c.reason })),
    certification: f.transforms.docMdp && f.kind === 'certification' ? { docMdp: f.transforms.docMdp } : null,
    hidden: f.hidden ? { revision: f.hidden.revision, cause: f.hidden.cause, detail: f.hiddenDetail ?? '' } : null,
    reasons: v.reasons,
    warnings: v.warnings,
    notes: v.notes,
  };
}

export function validationReport(doc: DocumentFacts, verdicts: Verdict[]): ValidationReport {
  const report = {
    validationTime: doc.validationTime,
    revisions: doc.revisions,
    recovered: doc.recovered,
    signatures: doc.signatures.map((f, k) => signatureReport(f, verdictOf(verdicts, k))),
    ...(doc.unreachedSignatures.length > 0 ? { unreachedSignatures: doc.unreachedSignatures } : {}),
  };
  return { ...report, conclusion: conclusionOf(report.signatures, doc.unreachedSignatures.length) };
}
