/** The certificate facts revocation checking needs: where to ask, who issued it, what it may sign. */
import * as asn1js from 'asn1js';
import {
  Certificate,
  type CRLDistributionPoints,
  type ExtKeyUsage,
  type InfoAccess,
  type PublicKeyInfo,
  type RelativeDistinguishedNames,
} from 'pkijs';
import { bytesEqual, normaliseSerial, pemOrDer, toArrayBuffer } from './bytes.js';
import { BytesMemo } from './bytes-memo.js';
import { certificateLayout, isPlainDer } from './der-tlv.js';
import { primeExtensionValues } from './extension-values.js';
import { DerOf } from './der-of.js';
import { readCertificate } from './certificate-reader.js';
import { RevocationError } from './messages.js';

/** A certificate as DER (or PEM) bytes, or already parsed by pkijs. */
export type CertificateInput = Uint8Array | Certificate;

export const OID = {
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  adOcsp: '1.3.6.1.5.5.7.48.1',
  crlDistributionPoints: '2.5.29.31',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  kpOcspSigning: '1.3.6.1.5.5.7.3.9',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
} as const;

const GENERAL_NAME_URI = 6;

// The exact bytes each parsed certificate came from, and its key's when asn1js would encode it back to them
// (der-tlv.ts isPlainDer): never re-encoded then.
const certificateDers = new DerOf<Certificate>();
const publicKeyDers = new DerOf<PublicKeyInfo>();

/**
 * Parsed certificates by their exact bytes, shared across validations: parsing with pkijs costs about a millisecond
 * per certificate and a service sees the same CA and signer certificates in document after document. pkijs
 * Certificate objects are not modified by kyso, so sharing them is safe. Bounded; cleared when full.
 */
const parsedByDer = new BytesMemo<Certificate>(512);

/** Parses DER/PEM into a pkijs Certificate; a certificate that cannot be read is a caller error. */
export function toCertificate(input: CertificateInput): Certificate {
  if (input instanceof Certificate) return input;
  const der = pemOrDer(input);
  const known = parsedByDer.find(der);
  if (known) return known.value;
  const direct = readDirect(der);
  if (direct) return direct;
  try {
    const asn1 = asn1js.fromBER(toArrayBuffer(der));
    if (asn1.offset === -1) throw new Error(asn1.result.error);
    return fromTree(der, asn1.result, asn1.offset);
  } catch (e) {
    throw new RevocationError('REVOCATION_BAD_CERTIFICATE', {}, e instanceof Error ? e.message : String(e));
  }
}

/** The certificate read from `tree`, the asn1js parse of `der` (its first `offset` bytes), kept when it is all of it. */
function fromTree(der: Uint8Array, tree: asn1js.AsnType, offset: number): Certificate {
  const cert = new Certificate({ schema: tree });
  primeExtensionValues(cert);
  return remember(der.slice(0, offset), cert, offset === der.length ? der : undefined);
}

/** Keeps a parsed certificate's exact bytes (and its key's), and the certificate by `key` when given. */
function remember(exact: Uint8Array, cert: Certificate, key: Uint8Array | undefined = exact): Certificate {
  certificateDers.remember(cert, exact);
  const spki = certificateLayout(exact)?.subjectPublicKeyInfo;
  if (spki && isPlainDer(exact, spki))
    publicKeyDers.remember(cert.subjectPublicKeyInfo, exact.subarray(spki.at, spki.end));
  if (key) parsedByDer.keep(key, cert);
  return cert;
}

/**
 * Reads a certificate of exactly `der` straight from its DER (certificate-reader.ts) and remembers it, so
 * toCertificate finds it; false when its layout is not the plain one that reader reads.
 */
export function rememberCertificateDirect(der: Uint8Array): boolean {
  return parsedByDer.find(der) !== undefined || readDirect(der) !== null;
}

/** The certificate read straight from its DER (certificate-reader.ts) and remembered, or null when it declines. */
function readDirect(der: Uint8Array): Certificate | null {
  const cert = readCertificate(der);
  return cert && remember(der.slice(), cert);
}

/**
 * Reads the certificate from an asn1js parse of exactly `der` made elsewhere (signature/ber.ts parses a CMS's
 * certificates once for their encoding facts), so toCertificate does not parse the same bytes again. A tree that is
 * not a certificate is left alone: toCertificate reports it when asked.
 */
export function rememberCertificateTree(der: Uint8Array, tree: asn1js.AsnType): void {
  if (parsedByDer.find(der)) return;
  try {
    fromTree(der, tree, der.length);
  } catch {
    /* not a certificate */
  }
}

/** Records the bytes a certificate was decoded from (e.g. inside a CMS), so it is never re-encoded. */
export function rememberCertificateDer(cert: Certificate, der: Uint8Array): void {
  certificateDers.remember(cert, der);
}

/** A certificate's DER: path building compares certificates often. */
export function certificateDer(cert: Certificate): Uint8Array {
  return certificateDers.of(cert);
}

/** The DER of a SubjectPublicKeyInfo, for importing and comparing keys. */
export function publicKeyInfoDer(spki: PublicKeyInfo): Uint8Array {
  return publicKeyDers.of(spki);
}

/** The DER of a certificate's SubjectPublicKeyInfo. */
export function subjectPublicKeyInfoDer(cert: Certificate): Uint8Array {
  return publicKeyInfoDer(cert.subjectPublicKeyInfo);
}

function extension(cert: Certificate, oid: string) {
  return cert.extensions?.find((e) => e.extnID === oid);
}

/** The OCSP responder URLs in the Authority Information Access extension, in certificate order. */
export function ocspUrls(input: CertificateInput): string[] {
  const aia = extension(toCertificate(input), OID.authorityInfoAccess)?.parsedValue as InfoAccess | undefined;
  return (aia?.accessDescriptions ?? [])
    .filter((d) => d.accessMethod === OID.adOcsp && d.accessLocation.type === GENERAL_NAME_URI)
    .map((d) => String(d.accessLocation.value));
}

/**
 * The CRL URLs of the certificate's distribution points. Points with a cRLIssuer (indirect CRLs) or a reasons
 * subset (partitioned CRLs) are left out: checkCrl only accepts complete CRLs signed by the certificate's issuer.
 */
export function crlUrls(input: CertificateInput): string[] {
  const cdp = extension(toCertificate(input), OID.crlDistributionPoints)?.parsedValue as
    | CRLDistributionPoints
    | undefined;
  const urls: string[] = [];
  for (const dp of cdp?.distributionPoints ?? []) {
    if (dp.cRLIssuer || dp.reasons || !Array.isArray(dp.distributionPoint)) continue;
    for (const name of dp.distributionPoint) if (name.type === GENERAL_NAME_URI) urls.push(String(name.value));
  }
  return urls;
}

/** Only http(s) addresses are fetched (ldap:// and file:// are common in CDPs but out of scope). */
export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** A Name's DER: the bytes it was read from, else its encoding. */
export function nameDer(name: RelativeDistinguishedNames): Uint8Array {
  return name.valueBeforeDecode.byteLength > 0
    ? new Uint8Array(name.valueBeforeDecode)
    : new Uint8Array(name.toSchema().toBER(false));
}

/** The string types pkijs compares after string preparation (AttributeTypeAndValue.isEqual); others by their bytes. */
const STRING_BLOCKS = new Set(
  [
    asn1js.Utf8String,
    asn1js.BmpString,
    asn1js.UniversalString,
    asn1js.NumericString,
    asn1js.PrintableString,
    asn1js.TeletexString,
    asn1js.VideotexString,
    asn1js.IA5String,
    asn1js.GraphicString,
    asn1js.VisibleString,
    asn1js.GeneralString,
    asn1js.CharacterString,
  ].map((c) => c.blockName()),
);
/** Latin letters (Vietnamese included, composed: NFC), printable ASCII: two different such strings never collate equal. */
const PLAIN_LATIN = /^[\x20-\x7e\p{Script=Latin}]*$/u;

/**
 * pkijs's verdict on two names when it can be had without a collator: pkijs prepares each string value (trimmed,
 * runs of spaces to one, lower-cased) and compares them with localeCompare, whose first call loads ICU's collation
 * (milliseconds and megabytes for a command-line run). Equal prepared strings are equal; different ones made only of
 * printable ASCII and composed Latin letters are different; anything else (other scripts, combining or ignorable
 * characters, non-string values) is left to pkijs (undefined).
 */
function namesEqualWithoutCollator(a: RelativeDistinguishedNames, b: RelativeDistinguishedNames): boolean | undefined {
  const x = a.typesAndValues;
  const y = b.typesAndValues;
  if (x.length !== y.length) return false;
  let unsure = false;
  for (let i = 0; i < x.length; i++) {
    const [p, q] = [x[i]!, y[i]!];
    if (p.type !== q.type) return false;
    const ps = STRING_BLOCKS.has((p.value.constructor as typeof asn1js.BaseBlock).blockName());
    if (ps !== STRING_BLOCKS.has((q.value.constructor as typeof asn1js.BaseBlock).blockName())) return false;
    if (!ps) {
      unsure = true;
      continue;
    }
    const [u, v] = [prepared(p.value.valueBlock.value), prepared(q.value.valueBlock.value)];
    if (u === v) continue;
    const plain = (t: string) => PLAIN_LATIN.test(t) && t === t.normalize('NFC');
    if (plain(u) && plain(v)) return false;
    unsure = true;
  }
  return unsure ? undefined : true;
}

/** pkijs's string preparation: trimmed, runs of spaces made one, lower-cased. */
function prepared(value: unknown): string {
  return String(value).trim().replace(/ +/g, ' ').toLowerCase();
}

/** Name equality: identical DER, or equal after pkijs's RFC 5280 string preparation. */
export function namesEqual(a: RelativeDistinguishedNames, b: RelativeDistinguishedNames): boolean {
  if (bytesEqual(nameDer(a), nameDer(b))) return true;
  try {
    const quick = namesEqualWithoutCollator(a, b);
    if (quick !== undefined) return quick;
    return a.isEqual(b);
  } catch {
    try {
      return a.isEqual(b);
    } catch {
      return false;
    }
  }
}

export function subjectKeyId(cert: Certificate): Uint8Array | undefined {
  const ski = extension(cert, OID.subjectKeyIdentifier)?.parsedValue;
  return ski instanceof asn1js.OctetString ? ski.valueBlock.valueHexView : undefined;
}

export function authorityKeyId(cert: Certificate): Uint8Array | undefined {
  const aki = extension(cert, OID.authorityKeyIdentifier)?.parsedValue as
    | { keyIdentifier?: asn1js.OctetString }
    | undefined;
  return aki?.keyIdentifier?.valueBlock.valueHexView;
}

/** Whether `issuer` names itself as `cert`'s issuer: issuer/subject names, and key identifiers when both exist. */
export function isIssuerOf(issuerInput: CertificateInput, certInput: CertificateInput): boolean {
  const issuer = toCertificate(issuerInput);
  const cert = toCertificate(certInput);
  if (!namesEqual(cert.issuer, issuer.subject)) return false;
  const aki = authorityKeyId(cert);
  const ski = subjectKeyId(issuer);
  return !aki || !ski || bytesEqual(aki, ski);
}

/** The certificate's serial number as unsigned big-endian bytes. */
export function serialNumber(cert: Certificate): Uint8Array {
  return normaliseSerial(cert.serialNumber.valueBlock.valueHexView);
}

export function extendedKeyUsages(cert: Certificate): string[] | undefined {
  const eku = extension(cert, OID.extKeyUsage)?.parsedValue as ExtKeyUsage | undefined;
  return eku?.keyPurposes;
}

export function hasOcspNoCheck(cert: Certificate): boolean {
  return extension(cert, OID.ocspNoCheck) !== undefined;
}

const KEY_USAGE_BITS = { digitalSignature: 0, nonRepudiation: 1, keyCertSign: 5, cRLSign: 6 } as const;

/** Whether the KeyUsage extension allows a use; a certificate without the extension allows every use. */
export function keyUsageAllows(cert: Certificate, use: keyof typeof KEY_USAGE_BITS): boolean {
  const ku = extension(cert, OID.keyUsage)?.parsedValue;
  if (!(ku instanceof asn1js.BitString)) return true;
  const bit = KEY_USAGE_BITS[use];
  const bytes = ku.valueBlock.valueHexView;
  return ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0; // a bit past the end is not set
}

export function isCa(cert: Certificate): boolean {
  const bc = extension(cert, OID.basicConstraints)?.parsedValue as { cA?: boolean } | undefined;
  return bc?.cA === true;
}

export function isValidAt(cert: Certificate, at: Date): boolean {
  const t = at.getTime();
  return cert.notBefore.value.getTime() <= t && t <= cert.notAfter.value.getTime();
}
