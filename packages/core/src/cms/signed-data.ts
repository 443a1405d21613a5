/** Assembles a detached CMS SignedData (RFC 5652) around a signature value made over the signed attributes. */
import type { SignerAlgorithm } from '../signing/signer.js';
import { digestAlgorithm, signatureAlgorithm } from './algorithms.js';
import type { CertificateInfo } from './certificate.js';
import { explicit, implicitConstructed, integer, octets, oid, seq, setOf, tlv, type Der } from './der.js';
import { OID } from './oids.js';
import { asImplicit, attribute } from './signed-attributes.js';

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
  const signerInfo = seq(
    integer(1),
    seq(input.certificate.issuer, integer(input.certificate.serialNumber)),
    digestAlgorithm(input.algorithm.hash),
    asImplicit(input.signedAttributes, 0),
    signatureAlgorithm(input.algorithm),
    octets(input.signatureValue),
    ...(unsigned.length ? [asImplicit(setOf(...unsigned), 1)] : []),
  );
  const sd = seq(
    integer(1),
    setOf(digestAlgorithm(input.algorithm.hash)),
    seq(oid(OID.data)),
    implicitConstructed(0, ...dedupe(input.certificates)),
    tlv(0x31, signerInfo),
  );
  return seq(oid(OID.signedData), explicit(0, sd));
}

function dedupe(certs: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const c of certs) if (!out.some((o) => Buffer.compare(o, c) === 0)) out.push(c);
  return out;
}
