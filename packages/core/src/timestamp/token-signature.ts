/**
 * Checks the CMS signature of a TimeStampToken: content-type and message-digest signed attributes, the ESS
 * signing-certificate(-v2) attribute binding the signature to the TSA certificate (RFC 5035 / RFC 5816), and the
 * signature itself by WebCrypto (through pkijs's engine). Pure: works in Node 20+ and in browsers.
 */
import * as asn1js from 'asn1js';
import { Certificate, CryptoEngine, RelativeDistinguishedNames, type Attribute, type SignerInfo } from 'pkijs';
import { bytesEqual, integerHex, toArrayBuffer, view } from './bytes.js';
import { TsaError } from './errors.js';
import { HASH_BY_OID, TSP_OID } from './oids.js';
import { decodeTimestampToken, namesSigner, type DecodedToken } from './token.js';

export interface VerifyTokenOptions {
  /** The TSA certificate (DER) when the token does not carry it. */
  certificate?: Uint8Array;
}

let engine: CryptoEngine | undefined;
/** Our own engine over globalThis.crypto, so an application's pkijs setEngine() does not change these checks. */
function cryptoEngine(): CryptoEngine {
  engine ??= new CryptoEngine({ name: 'kyso-tsp', crypto: globalThis.crypto as never });
  return engine;
}

/**
 * Throws TSA_SIGNATURE_INVALID (or TSA_NO_CERTIFICATE, TSA_BAD_TOKEN) unless the token's signature verifies with
 * the TSA certificate it names; returns that certificate's DER. Does not check the certificate's EKU, validity or
 * chain (see checkTsaCertificate and the verifier).
 */
export async function verifyTimestampToken(
  token: Uint8Array | DecodedToken,
  options: VerifyTokenOptions = {},
): Promise<{ certificate: Uint8Array }> {
  const decoded = token instanceof Uint8Array ? decodeTimestampToken(token) : token;
  const { signerInfo, eContent } = decoded;

  let cert: Certificate;
  let certDer: Uint8Array;
  if (options.certificate) {
    certDer = options.certificate;
    try {
      cert = Certificate.fromBER(toArrayBuffer(certDer));
    } catch {
      throw new TsaError('TSA_NO_CERTIFICATE', { reason: 'unparsable' }, 'the given TSA certificate does not parse');
    }
    if (!namesSigner(signerInfo, cert)) throw invalid('signer-mismatch', 'the SignerInfo does not name the given certificate');
  } else {
    const found = decoded.certs[decoded.signerIndex];
    if (!found) throw new TsaError('TSA_NO_CERTIFICATE', { certificates: decoded.certs.length });
    ({ cert, der: certDer } = found);
  }

  const attrs = signerInfo.signedAttrs?.attributes;
  if (!attrs?.length) throw invalid('no-signed-attributes', 'the SignerInfo has no signed attributes');
  const digestName = HASH_BY_OID[signerInfo.digestAlgorithm.algorithmId];
  if (!digestName) throw invalid('unsupported-digest', `digest algorithm ${signerInfo.digestAlgorithm.algorithmId}`);

  const contentType = single(attrs, TSP_OID.contentType);
  if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.valueBlock.toString() !== TSP_OID.tstInfo) {
    throw invalid('content-type', 'the content-type attribute is missing or not id-ct-TSTInfo');
  }
  const messageDigest = single(attrs, TSP_OID.messageDigest);
  if (!(messageDigest instanceof asn1js.OctetString)) throw invalid('message-digest', 'the message-digest attribute is missing');
  const actual = await digest(digestName, eContent);
  if (!bytesEqual(actual, view(messageDigest.valueBlock.valueHexView))) {
    throw invalid('message-digest', 'the message-digest attribute does not match the TSTInfo');
  }

  await checkSigningCertificate(attrs, cert, certDer);

  let ok: boolean;
  try {
    ok = await verifySignerInfo(signerInfo, cert, digestName);
  } catch (e) {
    throw invalid('unsupported-signature', `the signature cannot be checked: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!ok) throw invalid('signature', 'the signature value does not verify with the TSA certificate');
  return { certificate: certDer };
}

function invalid(reason: string, detail: string): TsaError {
  return new TsaError('TSA_SIGNATURE_INVALID', { reason }, detail);
}

/** The one value of the attribute `type`, or undefined if absent; two instances or values are malformed. */
function single(attrs: Attribute[], type: string): unknown {
  const found = attrs.filter((a) => a.type === type);
  if (found.length === 0) return undefined;
  if (found.length > 1 || found[0].values.length !== 1) throw invalid('attribute-repeated', `attribute ${type} is repeated`);
  return found[0].values[0];
}

async function digest(name: string, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest(name, toArrayBuffer(data)));
}

/**
 * ESS: the first ESSCertID(v2) must be the hash of the TSA certificate (and name its issuer and serial when it
 * carries them), so the certificate cannot be swapped for another one with the same key.
 */
async function checkSigningCertificate(attrs: Attribute[], cert: Certificate, certDer: Uint8Array): Promise<void> {
  const v2 = single(attrs, TSP_OID.signingCertificateV2);
  const v1 = single(attrs, TSP_OID.signingCertificate);
  if (v2 === undefined && v1 === undefined) {
    throw invalid('no-signing-certificate', 'no ESS signing-certificate attribute binds the TSA certificate');
  }
  for (const [value, version] of [[v2, 2], [v1, 1]] as const) {
    if (value === undefined) continue;
    const first = firstCertId(value);
    if (!first) throw invalid('signing-certificate', `the ESS signing-certificate${version === 2 ? '-v2' : ''} attribute is malformed`);
    let items = first.valueBlock.value;
    let hashName = version === 2 ? 'SHA-256' : 'SHA-1'; // ESSCertIDv2's hashAlgorithm DEFAULT id-sha256
    if (version === 2 && items[0] instanceof asn1js.Sequence) {
      const algOid = items[0].valueBlock.value[0];
      const name = algOid instanceof asn1js.ObjectIdentifier ? HASH_BY_OID[algOid.valueBlock.toString()] : undefined;
      if (!name) throw invalid('signing-certificate', 'the ESSCertIDv2 hash algorithm is not supported');
      hashName = name;
      items = items.slice(1);
    }
    const [certHash, issuerSerial] = items;
    if (!(certHash instanceof asn1js.OctetString)) throw invalid('signing-certificate', 'the ESSCertID has no certificate hash');
    if (!bytesEqual(view(certHash.valueBlock.valueHexView), await digest(hashName, certDer))) {
      throw invalid('signing-certificate-hash', 'the ESS certificate hash is not the hash of the TSA certificate');
    }
    if (issuerSerial !== undefined && !issuerSerialMatches(issuerSerial, cert)) {
      throw invalid('signing-certificate-issuer-serial', 'the ESS issuer and serial number do not name the TSA certificate');
    }
  }
}

/** SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2), policies OPTIONAL } → certs[0]. */
function firstCertId(value: unknown): asn1js.Sequence | undefined {
  if (!(value instanceof asn1js.Sequence)) return undefined;
  const certs = value.valueBlock.value[0];
  if (!(certs instanceof asn1js.Sequence)) return undefined;
  const first = certs.valueBlock.value[0];
  return first instanceof asn1js.Sequence ? first : undefined;
}

/** IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER }, with a directoryName [4] issuer. */
function issuerSerialMatches(value: asn1js.AsnType, cert: Certificate): boolean {
  if (!(value instanceof asn1js.Sequence)) return false;
  const [names, serial] = value.valueBlock.value;
  if (!(serial instanceof asn1js.Integer) || !(names instanceof asn1js.Sequence)) return false;
  if (integerHex(view(serial.valueBlock.valueHexView)) !== integerHex(view(cert.serialNumber.valueBlock.valueHexView))) return false;
  return names.valueBlock.value.some((gn) => {
    if (gn.idBlock.tagClass !== 3 || gn.idBlock.tagNumber !== 4 || !(gn instanceof asn1js.Constructed)) return false;
    try {
      return new RelativeDistinguishedNames({ schema: gn.valueBlock.value[0] }).isEqual(cert.issuer);
    } catch {
      return false;
    }
  });
}

async function verifySignerInfo(signerInfo: SignerInfo, cert: Certificate, digestName: string): Promise<boolean> {
  const signedAttrs = signerInfo.signedAttrs;
  if (!signedAttrs) return false;
  // encodedValue is the attributes' original encoding re-tagged as SET OF, the bytes that were signed.
  const data = signedAttrs.encodedValue;
  const alg = signerInfo.signatureAlgorithm;
  // A bare key OID (rsaEncryption, id-ecPublicKey) names no hash: it is the SignerInfo's digest algorithm.
  const bareKey = alg.algorithmId === TSP_OID.rsaEncryption || alg.algorithmId === TSP_OID.ecPublicKey;
  return cryptoEngine().verifyWithPublicKey(data, signerInfo.signature, cert.subjectPublicKeyInfo, alg, bareKey ? digestName : undefined);
}
