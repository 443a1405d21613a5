/** The fields of an X.509 certificate that signing needs: identity, validity, key usage and where to ask status. */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { child, children, decodeOid, DerError, nth, read, toHex, type Node } from './der.js';
import { OID } from './oids.js';

export interface CertificateInfo {
  der: Uint8Array;
  serialNumber: Uint8Array;
  serialHex: string;
  /** The issuer and subject Names as DER (exact bytes, for IssuerAndSerialNumber). */
  issuer: Uint8Array;
  subject: Uint8Array;
  subjectAttributes: Record<string, string>;
  issuerAttributes: Record<string, string>;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
  publicKeyAlgorithm: string;
  /** KeyUsage bit names present, or undefined when the extension is absent. */
  keyUsage?: string[];
  extKeyUsage?: string[];
  ocspUrls: string[];
  crlUrls: string[];
  caIssuerUrls: string[];
  isCA: boolean;
}

const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];
const NAME_KEYS: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.organizationName]: 'O',
  [OID.organizationalUnitName]: 'OU',
  [OID.countryName]: 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.12': 'T',
  '2.5.4.5': 'SERIALNUMBER',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'E',
};

// A service signs many documents with the same few certificates: their parse is remembered (small, exact-bytes key).
const parsed = new Map<string, CertificateInfo>();
const PARSED_MAX = 64;

export function parseCertificate(der: Uint8Array): CertificateInfo {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1');
  const hit = parsed.get(key);
  if (hit) return hit;
  const info = parseCertificateUncached(der);
  if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value as string);
  parsed.set(key, info);
  return info;
}

function parseCertificateUncached(der: Uint8Array): CertificateInfo {
  const f = children(child(read(der), 0));
  let i = 0;
  if (nth(f, 0).tag === 0xa0) i++; // version
  const serial = nth(f, i++);
  i++; // signature algorithm
  const issuer = nth(f, i++);
  const validity = children(nth(f, i++));
  const subject = nth(f, i++);
  const spki = nth(f, i++);
  const info: CertificateInfo = {
    der,
    serialNumber: serial.content,
    serialHex: toHex(serial.content),
    issuer: issuer.bytes,
    subject: subject.bytes,
    subjectAttributes: nameAttributes(subject),
    issuerAttributes: nameAttributes(issuer),
    notBefore: readTime(nth(validity, 0)),
    notAfter: readTime(nth(validity, 1)),
    spki: spki.bytes,
    publicKeyAlgorithm: decodeOid(child(child(spki, 0), 0).content),
    ocspUrls: [],
    crlUrls: [],
    caIssuerUrls: [],
    isCA: false,
  };
  for (const field of f.slice(i)) {
    if (field.tag !== 0xa3) continue;
    for (const ext of children(child(field, 0))) {
      const parts = children(ext);
      const id = decodeOid(nth(parts, 0).content);
      const value = read(nth(parts, parts.length - 1).content);
      readExtension(info, id, value);
    }
  }
  return info;
}

function readExtension(info: CertificateInfo, id: string, value: Node): void {
  switch (id) {
    case OID.keyUsage: {
      const bits = value.content;
      const used: string[] = [];
      for (const [b, name] of KEY_USAGE_BITS.entries()) {
        const byte = bits[1 + (b >> 3)];
        if (byte !== undefined && byte & (0x80 >> (b & 7))) used.push(name);
      }
      info.keyUsage = used;
      break;
    }
    case OID.extKeyUsage:
      info.extKeyUsage = children(value).map((n) => decodeOid(n.content));
      break;
    case '2.5.29.19': // basicConstraints
      info.isCA = children(value).some((n) => n.tag === 0x01 && n.content[0] !== 0);
      break;
    case OID.authorityInfoAccess:
      for (const ad of children(value)) {
        const [method, location] = children(ad);
        if (!method || location?.tag !== 0x86) continue;
        const url = new TextDecoder().decode(location.content);
        const m = decodeOid(method.content);
        if (m === OID.ocsp) info.ocspUrls.push(url);
        else if (m === OID.caIssuers) info.caIssuerUrls.push(url);
      }
      break;
    case OID.crlDistributionPoints:
      for (const dp of children(value)) {
        for (const field of children(dp)) {
          if (field.tag !== 0xa0) continue; // distributionPoint
          for (const full of children(field)) {
            if (full.tag !== 0xa0) continue; // fullName
            for (const gn of children(full))
              if (gn.tag === 0x86) info.crlUrls.push(new TextDecoder().decode(gn.content));
          }
        }
      }
      break;
  }
}

function nameAttributes(name: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rdn of children(name)) {
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      if (!type || !value) throw new DerError('malformed name attribute');
      const key = NAME_KEYS[decodeOid(type.content)] ?? decodeOid(type.content);
      const text = value.tag === 0x1e ? utf16(value.content) : new TextDecoder().decode(value.content);
      out[key] = out[key] ? `${out[key]}, ${text}` : text;
    }
  }
  return out;
}

function utf16(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
  return s;
}

function readTime(n: Node): Date {
  const s = new TextDecoder().decode(n.content);
  if (n.tag === 0x17) {
    // UTCTime YYMMDDHHMMSSZ: years 50–99 are 19xx (RFC 5280)
    const yy = Number(s.slice(0, 2));
    return new Date(
      Date.UTC(
        yy >= 50 ? 1900 + yy : 2000 + yy,
        Number(s.slice(2, 4)) - 1,
        Number(s.slice(4, 6)),
        Number(s.slice(6, 8)),
        Number(s.slice(8, 10)),
        Number(s.slice(10, 12)),
      ),
    );
  }
  return new Date(
    Date.UTC(
      Number(s.slice(0, 4)),
      Number(s.slice(4, 6)) - 1,
      Number(s.slice(6, 8)),
      Number(s.slice(8, 10)),
      Number(s.slice(10, 12)),
      Number(s.slice(12, 14)),
    ),
  );
}

const publicKeys = new Map<string, KeyObject>();

/** The KeyObject of a SubjectPublicKeyInfo, remembered: importing a key costs more than an RSA verification. */
export function publicKeyOf(spki: Uint8Array): KeyObject {
  const id = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString('latin1');
  let key = publicKeys.get(id);
  if (!key) {
    if (publicKeys.size >= 64) publicKeys.delete(publicKeys.keys().next().value as string);
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    publicKeys.set(id, key);
  }
  return key;
}
