/** Assembles a detached CMS SignedData (RFC 5652) around a signature value made over the signed attributes. */
import type { SignerAlgorithm } from '../signing/signer.js';
import { digestAlgorithm, signatureAlgorithm } from './algorithms.js';
import type { CertificateInfo } from './certificate.js';
import { encode, integer, oid, read, seq, setOf, tree, type Der } from './der.js';
import { OID } from './oids.js';
import { attribute } from './signed-attributes.js';

export interface SignedDataInput {
  algorithm: SignerAlgorithm;
  certificate: CertificateInfo;
  /** Certificates to include: the signer's first, then its chain. */
  certificates: Uint8Array[];
  /** The signed attributes SET, exactly as signed. */
  signedAttributes: Der;
  signatureValue: Uint8Array;
  /** DER of a TimeStampToken (ContentInfo) to add as the signature-time-stamp unsigned attribute. */
  timestampToken?: Uint8Array;
  /** More unsigned attributes (full Attribute DERs). */
  unsignedAttributes?: Der[];
}

// Parts that are the same in every SignedData, or for every signature of one certificate and algorithm: encoded
// once. They are never handed out; the tree only reads them into each CMS.
const VERSION_1 = integer(1);
const DATA_CONTENT_INFO = seq(oid(OID.data));
const SIGNED_DATA_OID = oid(OID.signedData);

interface SignerParts {
  /** IssuerAndSerialNumber. */
  sid: Der;
  digestAlgorithm: Der;
  /** The digestAlgorithms SET. */
  digestAlgorithms: Der;
  signatureAlgorithm: Der;
}

const signerParts = new WeakMap<CertificateInfo, Map<string, SignerParts>>();

function partsFor(certificate: CertificateInfo, algorithm: SignerAlgorithm): SignerParts {
  const s = algorithm.scheme;
  const key = `${algorithm.hash} ${s.kind} ${s.kind === 'rsa-pss' ? s.saltLength : s.kind === 'ecdsa' ? s.namedCurve : ''}`;
  let byAlgorithm = signerParts.get(certificate);
  if (!byAlgorithm) signerParts.set(certificate, (byAlgorithm = new Map()));
  let parts = byAlgorithm.get(key);
  if (!parts) {
    const digest = digestAlgorithm(algorithm.hash);
    parts = {
      sid: seq(certificate.issuer, integer(certificate.serialNumber)),
      digestAlgorithm: digest,
      digestAlgorithms: setOf(digest),
      signatureAlgorithm: signatureAlgorithm(algorithm),
    };
    byAlgorithm.set(key, parts);
  }
  return parts;
}

export function signedData(input: SignedDataInput): Der {
  const unsigned = [...(input.unsignedAttributes ?? [])];
  if (input.timestampToken) unsigned.push(attribute(OID.signatureTimeStampToken, input.timestampToken));
  const parts = partsFor(input.certificate, input.algorithm);
  // Built as one tree and encoded once: the certificates and the signed attributes are copied once, into the CMS.
  const signerInfo = tree(
    0x30,
    VERSION_1,
    parts.sid,
    parts.digestAlgorithm,
    tree(0xa0, read(input.signedAttributes).content), // the signed SET re-tagged [0] IMPLICIT, same content bytes
    parts.signatureAlgorithm,
    tree(0x04, input.signatureValue),
    ...(unsigned.length ? [tree(0xa1, read(setOf(...unsigned)).content)] : []),
  );
  const sd = tree(
    0x30,
    VERSION_1,
    parts.digestAlgorithms,
    DATA_CONTENT_INFO,
    tree(0xa0, ...dedupe(input.certificates)),
    tree(0x31, signerInfo),
  );
  return encode(tree(0x30, SIGNED_DATA_OID, tree(0xa0, sd)));
}

function dedupe(certs: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const c of certs) if (!out.some((o) => Buffer.compare(o, c) === 0)) out.push(c);
  return out;
}
