/** Readable distinguished names for facts and problems ("CN=…, O=…, C=VN"), and certificate identity helpers. */
import type * as pkijs from 'pkijs';
import { bytesEqual, toHex } from '../revocation/bytes.js';
import { certificateDer, namesEqual, subjectPublicKeyInfoDer } from '../revocation/certificates.js';

const SHORT: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.42': 'GN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.97': 'organizationIdentifier',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'E',
};

/** The name as "CN=…, O=…" in certificate order (most significant last, as people read certificates). */
export function nameText(name: pkijs.RelativeDistinguishedNames): string {
  return [...name.typesAndValues]
    .reverse()
    .map((atv) => `${SHORT[atv.type] ?? atv.type}=${String(atv.value?.valueBlock?.value ?? '')}`)
    .join(', ');
}

export function serialHex(cert: pkijs.Certificate): string {
  return toHex(new Uint8Array(cert.serialNumber.valueBlock.valueHexView));
}

/** The same certificate (identical DER). */
export function sameCertificate(a: pkijs.Certificate, b: pkijs.Certificate): boolean {
  return a === b || bytesEqual(certificateDer(a), certificateDer(b));
}

/** The same subject: name and public key (what RFC 5280 calls the trust anchor, whatever certificate carries it). */
export function sameEntity(a: pkijs.Certificate, b: pkijs.Certificate): boolean {
  return (
    sameCertificate(a, b) ||
    (namesEqual(a.subject, b.subject) && bytesEqual(subjectPublicKeyInfoDer(a), subjectPublicKeyInfoDer(b)))
  );
}

/** Issuer and subject names are equal (RFC 5280 "self-issued"; a self-signed certificate is one too). */
export function isSelfIssued(cert: pkijs.Certificate): boolean {
  return namesEqual(cert.issuer, cert.subject);
}
