/**
 * The CMS signed attributes of a PAdES baseline signature (ETSI EN 319 142-1 §6.3): content-type, message-digest
 * and signing-certificate-v2. No signing-time attribute: PAdES puts the claimed time in the signature dictionary's
 * /M. Extra attributes (e.g. adbe-revocationInfoArchival) can be added by the caller.
 */
import { createHash } from 'node:crypto';
import type { HashAlgorithm } from '../signing/signer.js';
import { NODE_HASH } from '../signing/signer.js';
import { HASH_OID } from './algorithms.js';
import type { CertificateInfo } from './certificate.js';
import { explicit, integer, octets, oid, seq, setOf, tlv, type Der } from './der.js';
import { OID } from './oids.js';

export const attribute = (type: string, ...values: Der[]): Der => seq(oid(type), setOf(...values));

// The attribute depends only on the certificate and the hash: made once per signer certificate (CertificateInfo
// objects are cached by parseCertificate) instead of hashing the certificate at every signature.
const madeV2 = new WeakMap<CertificateInfo, Partial<Record<HashAlgorithm, Der>>>();

/** ESSCertIDv2 with issuerSerial; the hash algorithm is omitted when it is the default SHA-256 (DER). */
export function signingCertificateV2(cert: CertificateInfo, hash: HashAlgorithm = 'SHA-256'): Der {
  let byHash = madeV2.get(cert);
  if (!byHash) madeV2.set(cert, (byHash = {}));
  return (byHash[hash] ??= makeSigningCertificateV2(cert, hash)).slice();
}

function makeSigningCertificateV2(cert: CertificateInfo, hash: HashAlgorithm): Der {
  const certHash = createHash(NODE_HASH[hash]).update(cert.der).digest();
  const issuerSerial = seq(seq(explicit(4, cert.issuer)), integer(cert.serialNumber));
  const id =
    hash === 'SHA-256'
      ? seq(octets(certHash), issuerSerial)
      : seq(seq(oid(HASH_OID[hash])), octets(certHash), issuerSerial);
  return attribute(OID.signingCertificateV2, seq(seq(id)));
}

export interface SignedAttributesInput {
  digest: Uint8Array;
  certificate: CertificateInfo;
  hash: HashAlgorithm;
  extra?: Der[];
}

// The same in every signature; only read (setOf copies it into the SET).
const CONTENT_TYPE_DATA = attribute(OID.contentType, oid(OID.data));

/** The signed attributes as the SET the signer signs (tag 0x31); inside SignerInfo it is re-tagged [0]. */
export function signedAttributes(input: SignedAttributesInput): Der {
  return setOf(
    CONTENT_TYPE_DATA,
    attribute(OID.messageDigest, octets(input.digest)),
    signingCertificateV2(input.certificate, input.hash),
    ...(input.extra ?? []),
  );
}

export { tlv };
