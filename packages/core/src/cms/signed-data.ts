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

export function signedData(input: SignedDataInput): Der {
  const unsigned = [...(input.unsignedAttributes ?? [])];
  if (input.timestampToken) unsigned.push(attribute(OID.signatureTimeStampToken, input.timestampToken));
  // Built as one tree and encoded once: the certificates and the signed attributes are copied once, into the CMS.
  const signerInfo = tree(
    0x30,
    integer(1),
    seq(input.certificate.issuer, integer(input.certificate.serialNumber)),
    digestAlgorithm(input.algorithm.hash),
    tree(0xa0, read(input.signedAttributes).content), // the signed SET re-tagged [0] IMPLICIT, same content bytes
    signatureAlgorithm(input.algorithm),
    tree(0x04, input.signatureValue),
    ...(unsigned.length ? [tree(0xa1, read(setOf(...unsigned)).content)] : []),
  );
  const sd = tree(
    0x30,
    integer(1),
    setOf(digestAlgorithm(input.algorithm.hash)),
    seq(oid(OID.data)),
    tree(0xa0, ...dedupe(input.certificates)),
    tree(0x31, signerInfo),
  );
  return encode(tree(0x30, oid(OID.signedData), tree(0xa0, sd)));
}

function dedupe(certs: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const c of certs) if (!out.some((o) => Buffer.compare(o, c) === 0)) out.push(c);
  return out;
}
