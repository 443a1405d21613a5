/** Building OCSP requests (RFC 6960 §4.1) with an optional nonce (RFC 8954). */
import { randomBytes } from '@kyso/pdf';
import { toCertificate, type CertificateInput } from './certificates.js';
import { HASH_OIDS, IssuerHashes, type OcspHash } from './cert-id.js';
import { encodeTlv, oidDer } from './der-tlv.js';
import { ID_PKIX_OCSP_NONCE } from './ocsp-response.js';

export interface OcspRequestOptions {
  /** true: a fresh random 16-byte nonce; bytes: that nonce (RFC 8954 allows 1–32 bytes). Default: none. */
  nonce?: boolean | Uint8Array;
  /** CertID hash. SHA-1 is what RFC 5019 responders are guaranteed to understand; default 'SHA-1'. */
  hash?: OcspHash;
}

export interface OcspRequest {
  der: Uint8Array;
  /** The nonce sent, to pass on to checkOcspResponse. */
  nonce?: Uint8Array;
}

export async function buildOcspRequest(
  certInput: CertificateInput,
  issuerInput: CertificateInput,
  options: OcspRequestOptions = {},
): Promise<OcspRequest> {
  const hash = options.hash ?? 'SHA-1';
  if (!(hash in HASH_OIDS)) throw new TypeError(`buildOcspRequest: unsupported hash ${String(hash)}`);
  const cert = toCertificate(certInput);
  const [nameHash, keyHash] = await new IssuerHashes(toCertificate(issuerInput)).get(hash);

  let nonce: Uint8Array | undefined;
  if (options.nonce instanceof Uint8Array) nonce = options.nonce.slice();
  else if (options.nonce === true) nonce = randomBytes(16);
  if (nonce && (nonce.length < 1 || nonce.length > 32))
    throw new RangeError('buildOcspRequest: a nonce has 1 to 32 bytes');

  // Written directly (the form pkijs's OCSPRequest.toSchema writes: no version, no requestor, no signature):
  // OCSPRequest { TBSRequest { requestList { Request { CertID } }, [2] { Extensions { nonce } } } }
  const certId = encodeTlv(
    0x30,
    encodeTlv(0x30, oidDer(HASH_OIDS[hash]), NULL),
    encodeTlv(0x04, nameHash),
    encodeTlv(0x04, keyHash),
    encodeTlv(0x02, cert.serialNumber.valueBlock.valueHexView), // the serial's bytes as issued
  );
  const tbs = [encodeTlv(0x30, encodeTlv(0x30, certId))];
  if (nonce) {
    // RFC 8954: the nonce is an OCTET STRING inside extnValue; the extension is not critical (left out, DER)
    const extension = encodeTlv(0x30, oidDer(ID_PKIX_OCSP_NONCE), encodeTlv(0x04, encodeTlv(0x04, nonce)));
    tbs.push(encodeTlv(0xa2, encodeTlv(0x30, extension)));
  }
  return { der: encodeTlv(0x30, encodeTlv(0x30, ...tbs)), nonce };
}

const NULL = Uint8Array.of(0x05, 0x00);
