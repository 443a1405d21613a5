/**
 * Integrity facts of one signature (no trust, no verdict): ByteRange sanity, the digest of the covered bytes,
 * whether it matches what the CMS signed, whether the signature verifies with the signer certificate's key,
 * and whether the signing-certificate attribute binds that certificate. WebCrypto only (browser-safe).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PdfDocument, type ByteSource } from '@kyso/pdf';
import { checkByteRange, type ByteRangeFacts, type ByteRangeProblem, type RevisionBounds } from './byte-range.js';
import { hashByOid, OID, parseCms, sameSerial, type CmsFacts, type CmsProblem, type HashName } from './cms.js';
import type { FoundSignature } from './find-signatures.js';
import { askAhead, coveredBytes, digest, digestRanges, hashesItself } from './range-digest.js';
import { signerDigestOid } from './ber.js';
import { certificateDer, namesEqual, subjectPublicKeyInfoDer } from '../revocation/certificates.js';
import {
  verifySignatureValue,
  type AlgorithmMismatch,
  type SignatureOutcome,
} from '../crypto-policy/verify-signature.js';

export { ecdsaDerToRaw } from '../crypto-policy/verify-signature.js';

export type IntegrityProblem =
  | ByteRangeProblem
  | CmsProblem
  | 'CONTENTS_NOT_COVERED_CORRECTLY'
  | 'DIGEST_MISMATCH'
  | 'DIGEST_NOT_COMPUTED'
  | 'ECONTENT_IN_DETACHED'
  | 'ECONTENT_MISSING'
  | 'TSTINFO_MALFORMED'
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_ALGORITHM_UNSUPPORTED'
  | 'SIGNATURE_ALGORITHM_MISMATCH'
  | 'SIGNING_CERTIFICATE_ATTRIBUTE_MISSING'
  | 'SIGNING_CERTIFICATE_NOT_BOUND';

export interface IntegrityFacts {
  byteRange: ByteRangeFacts;
  cms: CmsFacts;
  /** The digest algorithm used over the covered bytes. */
  digestAlgorithm: HashName | undefined;
  /** Digest of the covered bytes (the ranges, concatenated); null when it could not be computed. */
  computedDigest: Uint8Array | null;
  /** The digest the CMS signed for the document (message-digest attribute, eContent or TSTInfo message imprint). */
  signedDigest: Uint8Array | null;
  /** Covered bytes match what was signed; null when not determinable. */
  digestMatches: boolean | null;
  /** The signature value verifies with the signer certificate's public key; null when not determinable. */
  signatureValid: boolean | null;
  /** The signature algorithm as run (e.g. "RSASSA-PKCS1-v1_5/SHA-256", "ECDSA P-256/SHA-256"). */
  signatureAlgorithm: string | undefined;
  /**
   * The signature algorithm cannot describe this signature: another key family than the signer's key, a digest other
   * than the SignerInfo's digestAlgorithm, impossible PSS parameters (then signatureValid is false).
   */
  algorithmMismatch: { kind: AlgorithmMismatch; detail: string } | null;
  /** The signing-certificate(-v2) attribute names the signer certificate; null when the attribute is absent. */
  signingCertificateBound: boolean | null;
  /** Digest matches and signature valid. */
  intact: boolean;
  problems: IntegrityProblem[];
}

function ab(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

function eq(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface IntegrityOptions {
  /** The loaded document (for revision ends); loaded from `pdfBytes` when absent. */
  doc?: PdfDocument;
}

/**
 * Gathers the integrity facts of one signature. Never throws for hostile data. `pdfBytes`: the file's bytes, or a
 * ByteSource over it (a file on disk is then read in windows, never whole).
 */
export async function checkIntegrity(
  pdfBytes: Uint8Array | ByteSource,
  signature: FoundSignature,
  options: IntegrityOptions = {},
): Promise<IntegrityFacts> {
  return startIntegrity(pdfBytes, signature, options).finish();
}

/** What is known of a signature's integrity before its covered bytes are read, and the step that reads them. */
export interface StartedIntegrity {
  byteRange: ByteRangeFacts;
  cms: CmsFacts;
  /**
   * Hashes the covered bytes and checks the signature: the complete facts. Never rejects. A caller may run it
   * beside other work (a validation hashes while its revocation requests are on the wire) but must await it
   * before using any of the facts about the signature's bytes.
   */
  finish(): Promise<IntegrityFacts>;
}

/**
 * The ByteRange and CMS facts of one signature at once (no hashing: parsing /Contents and checking the ranges),
 * and the hashing and signature check as a step of their own (`finish`), so a caller can start the long part
 * when it likes.
 */
export function startIntegrity(
  pdfBytes: Uint8Array | ByteSource,
  signature: FoundSignature,
  options: IntegrityOptions = {},
): StartedIntegrity {
  let revisions: RevisionBounds[] = [];
  try {
    revisions = (options.doc ?? PdfDocument.load(pdfBytes, { fullHistory: true })).revisions;
  } catch {
    revisions = [];
  }
  const byteRange = checkByteRange(
    {
      byteRange: signature.byteRange,
      contentsSpan: signature.contentsSpan,
      hasContents: signature.contents !== null,
      contents: signature.contents,
    },
    pdfBytes,
    revisions,
  );
  // A source hashing in a thread of its own starts on the covered bytes now, not once the CMS is parsed: the
  // SignerInfo's digest algorithm read ahead (the digest a plain signature's check asks for below). Bytes in
  // memory, hashed here, skip the read.
  const ranges = byteRange.ranges;
  const plain = signature.kind !== 'doc-timestamp' && signature.subFilter !== 'adbe.pkcs7.sha1';
  if (ranges && plain && hashesItself(pdfBytes)) {
    const hint = hashByOid(signerDigestOid(signature.contents));
    if (hint) askAhead(hint, pdfBytes, ranges);
  }
  const cms = parseCms(signature.contents);
  let finished: Promise<IntegrityFacts> | undefined;
  const finish = async (): Promise<IntegrityFacts> => {
    const facts: IntegrityFacts = {
      byteRange,
      cms,
      digestAlgorithm: undefined,
      computedDigest: null,
      signedDigest: null,
      digestMatches: null,
      signatureValid: null,
      signatureAlgorithm: undefined,
      algorithmMismatch: null,
      signingCertificateBound: null,
      intact: false,
      problems: [...byteRange.problems, ...cms.problems],
    };
    try {
      await evaluate(pdfBytes, signature, facts);
    } catch {
      if (!facts.problems.includes('CMS_MALFORMED')) facts.problems.push('CMS_MALFORMED');
    }
    facts.intact = facts.digestMatches === true && facts.signatureValid === true;
    return facts;
  };
  // once: the facts are one object whoever asks
  return { byteRange, cms, finish: () => (finished ??= finish()) };
}

async function evaluate(pdf: Uint8Array | ByteSource, sig: FoundSignature, f: IntegrityFacts): Promise<void> {
  const cms = f.cms;
  const p = f.problems;
  // The covered bytes are hashed range by range (no copy of a large file); glued together only when the
  // signature is over the content itself (CMS without signed attributes).
  const ranges = f.byteRange.ranges;
  if (!cms.parsed || !cms.signerInfo) return;
  const isDocTimestamp = sig.kind === 'doc-timestamp' || cms.eContentType === OID.tstInfo;
  const isSha1Legacy = sig.subFilter === 'adbe.pkcs7.sha1';
  const signerHash = cms.digestAlgorithm;

  // 1. What the signature value is computed over (before its own hashing).
  let signedContent: Uint8Array | null = null;
  let pendingDigest: Promise<Uint8Array> | null = null;
  if (isDocTimestamp) {
    // The TSTInfo's message imprint is the document digest; the signed attributes digest the TSTInfo.
    if (!cms.eContent) p.push('ECONTENT_MISSING');
    else {
      try {
        const tst = new pkijs.TSTInfo({ schema: asn1js.fromBER(ab(cms.eContent)).result });
        const alg = hashByOid(tst.messageImprint.hashAlgorithm.algorithmId);
        f.digestAlgorithm = alg;
        f.signedDigest = new Uint8Array(tst.messageImprint.hashedMessage.valueBlock.valueHexView);
        if (alg && ranges) f.computedDigest = await digestRanges(alg, pdf, ranges);
        else if (!alg) p.push('DIGEST_ALGORITHM_UNSUPPORTED');
      } catch {
        p.push('TSTINFO_MALFORMED');
      }
      signedContent = cms.eContent;
    }
  } else if (isSha1Legacy) {
    // adbe.pkcs7.sha1: eContent is the SHA-1 of the ranges.
    f.digestAlgorithm = 'SHA-1';
    if (!cms.eContent) p.push('ECONTENT_MISSING');
    else {
      f.signedDigest = cms.eContent;
      if (ranges) f.computedDigest = await digestRanges('SHA-1', pdf, ranges);
      signedContent = cms.eContent;
    }
  } else {
    if (cms.eContent) p.push('ECONTENT_IN_DETACHED');
    f.digestAlgorithm = signerHash;
    // awaited below, after the checks that do not need it: a source hashing in its own thread finishes meanwhile
    if (signerHash && ranges) pendingDigest = digestRanges(signerHash, pdf, ranges);
    signedContent = !cms.hasSignedAttributes && ranges ? coveredBytes(pdf, ranges) : null;
    if (cms.hasSignedAttributes) f.signedDigest = cms.messageDigest;
  }
  // The signature value and the signing-certificate binding: checked now, their problems reported in order below.
  const data = cms.hasSignedAttributes ? cms.signedAttributesDer : signedContent;
  const signed =
    cms.signerCertificate && data && cms.signature ? verifySignature(cms, cms.signerCertificate, data) : null;
  const bound = cms.signingCertificate && cms.signerCertificate ? bindsCertificate(cms, cms.signerCertificate) : null;
  // settled before the digest is awaited: neither may be an unhandled rejection meanwhile
  signed?.catch(() => {});
  bound?.catch(() => {});
  if (pendingDigest) f.computedDigest = await pendingDigest;

  // 2. The document digest check (for doc timestamps and sha1: also the signed attributes over the eContent).
  if (cms.hasSignedAttributes) {
    if (isDocTimestamp || isSha1Legacy) {
      const inner = signedContent && signerHash ? await digest(signerHash, signedContent) : null;
      const attrOk = eq(inner, cms.messageDigest);
      const docOk = f.computedDigest && f.signedDigest ? eq(f.computedDigest, f.signedDigest) : null;
      f.digestMatches = docOk === null ? null : docOk && attrOk;
    } else if (f.computedDigest && f.signedDigest) {
      f.digestMatches = eq(f.computedDigest, f.signedDigest);
    }
  } else if ((isDocTimestamp || isSha1Legacy) && f.computedDigest && f.signedDigest) {
    f.digestMatches = eq(f.computedDigest, f.signedDigest);
  }

  // 3. The signature value.
  if (signed) {
    const res = await signed;
    f.signatureAlgorithm = res.name;
    f.signatureValid = res.result === 'unsupported' ? null : res.result === 'valid';
    if (res.mismatch) {
      f.algorithmMismatch = { kind: res.mismatch, detail: res.detail ?? res.mismatch };
      p.push('SIGNATURE_ALGORITHM_MISMATCH');
    } else if (res.result === 'unsupported') p.push('SIGNATURE_ALGORITHM_UNSUPPORTED');
    else if (res.result === 'invalid') p.push('SIGNATURE_INVALID');
  }
  // Without signed attributes the signature is over the content itself: it is the digest check.
  if (!cms.hasSignedAttributes && !isDocTimestamp && !isSha1Legacy) f.digestMatches = f.signatureValid;

  if (f.digestMatches === false) p.push('DIGEST_MISMATCH');
  else if (f.digestMatches === null) p.push('DIGEST_NOT_COMPUTED');

  // 4. Signing-certificate binding.
  if (bound) {
    f.signingCertificateBound = await bound;
    if (!f.signingCertificateBound) p.push('SIGNING_CERTIFICATE_NOT_BOUND');
  } else if (cms.hasSignedAttributes && !cms.signingCertificate && sig.subFilter === 'ETSI.CAdES.detached') {
    p.push('SIGNING_CERTIFICATE_ATTRIBUTE_MISSING');
  }
}

/**
 * The first ESSCertID(v2) of each signing-certificate attribute present (v1 and v2 both, when a signer put both: a
 * correct one must not excuse a wrong one) names the signer certificate: its hash, and the issuer and serial when given.
 */
async function bindsCertificate(cms: CmsFacts, cert: pkijs.Certificate): Promise<boolean> {
  const der = certificateDer(cert); // the bytes it was read from, not a re-encoding
  const firsts = ([1, 2] as const)
    .map((v) => cms.signingCertificate?.find((r) => r.version === v))
    .filter((r) => r !== undefined);
  if (firsts.length === 0) return false;
  for (const ref of firsts) {
    const alg = hashByOid(ref.hashAlgorithm);
    if (!alg) return false;
    if (!eq(await digest(alg, der), ref.hash)) return false;
    if (!ref.issuerSerial) continue;
    if (!sameSerial(ref.issuerSerial.serial, new Uint8Array(cert.serialNumber.valueBlock.valueHexView))) return false;
    // An IssuerSerial without a directoryName names no issuer kyso can compare: not bound.
    if (!ref.issuerSerial.issuerDer) return false;
    try {
      const name = new pkijs.RelativeDistinguishedNames({
        schema: asn1js.fromBER(ab(ref.issuerSerial.issuerDer)).result,
      });
      if (!namesEqual(name, cert.issuer)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Checks the SignerInfo's signature value: the algorithm must agree with the key and with the digest algorithm. */
async function verifySignature(cms: CmsFacts, cert: pkijs.Certificate, data: Uint8Array): Promise<SignatureOutcome> {
  return verifySignatureValue({
    data,
    signature: cms.signature as Uint8Array,
    algorithm: { oid: cms.signatureAlgorithmOid, params: cms.signatureAlgorithmParams },
    key: cert.subjectPublicKeyInfo,
    keyDer: subjectPublicKeyInfoDer(cert),
    digest: cms.digestAlgorithm,
  });
}
