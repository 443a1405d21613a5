/** Building OCSP requests (RFC 6960 §4.1) with an optional nonce (RFC 8954). */
import * as asn1js from 'asn1js';
import { Extension, OCSPRequest, Request } from 'pkijs';
import { toArrayBuffer } from './bytes.js';
import { toCertificate, type CertificateInput } from './certificates.js';
import { HASH_OIDS, createCertId, type OcspHash } from './cert-id.js';
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
  const request = new OCSPRequest();
  request.tbsRequest.requestList = [
    new Request({ reqCert: await createCertId(toCertificate(certInput), toCertificate(issuerInput), hash) }),
  ];

  let nonce: Uint8Array | undefined;
  if (options.nonce instanceof Uint8Array) nonce = options.nonce.slice();
  else if (options.nonce === true) nonce = globalThis.crypto.getRandomValues(new Uint8Array(16));
  if (nonce) {
    if (nonce.length < 1 || nonce.length > 32) throw new RangeError('buildOcspRequest: a nonce has 1 to 32 bytes');
    request.tbsRequest.requestExtensions = [
      new Extension({
        extnID: ID_PKIX_OCSP_NONCE,
        critical: false,
        extnValue: new asn1js.OctetString({ valueHex: toArrayBuffer(nonce) }).toBER(false),
      }),
    ];
  }
  return { der: new Uint8Array(request.toSchema(true).toBER(false)), nonce };
}
