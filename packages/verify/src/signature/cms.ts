/**
 * CMS SignedData facts from a signature's /Contents (trailing zero padding allowed): the signer and its
 * certificate, algorithms, signed and unsigned attributes, the signing-certificate binding inputs, eContent.
 * Never throws: malformed input yields facts with FORMAT problems.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { berOf, encodingFacts } from './ber.js';
import { readSignedData } from './signed-data.js';
import { anyNonZero } from '../revocation/bytes.js';
import { namesEqual, toCertificate } from '../revocation/certificates.js';

export type CmsProblem =
  | 'CMS_NOT_DER'
  | 'CMS_INTEGER_NOT_MINIMAL'
  | 'CMS_NOT_SIGNED_DATA'
  | 'CMS_MALFORMED'
  | 'CMS_NO_SIGNER'
  | 'CMS_MULTIPLE_SIGNERS'
  | 'SIGNER_CERTIFICATE_NOT_FOUND'
  | 'DIGEST_ALGORITHM_UNSUPPORTED'
  | 'CONTENT_TYPE_ATTRIBUTE_MISSING'
  | 'CONTENT_TYPE_MISMATCH'
  | 'SIGNED_ATTRIBUTE_REPEATED'
  | 'MESSAGE_DIGEST_ATTRIBUTE_MISSING'
  | 'SIGNED_ATTRIBUTE_MALFORMED'
  | 'SIGNING_CERTIFICATE_ATTRIBUTE_MALFORMED';

/** Digests WebCrypto runs natively (SHA-1/2) and the ones computed in JS because WebCrypto lacks them. */
export type HashName =
  | 'SHA-1'
  | 'SHA-224'
  | 'SHA-256'
  | 'SHA-384'
  | 'SHA-512'
  | 'SHA-512/256'
  | 'SHA3-256'
  | 'SHA3-384'
  | 'SHA3-512'
  | 'SHAKE256';

export const OID = {
  signedData: '1.2.840.113549.1.7.2',
  data: '1.2.840.113549.1.7.1',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  timestampToken: '1.2.840.113549.1.9.16.2.14',
  subjectKeyIdentifier: '2.5.29.14',
} as const;

const HASHES: Record<string, HashName> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
  '2.16.840.1.101.3.4.2.4': 'SHA-224',
  '2.16.840.1.101.3.4.2.6': 'SHA-512/256',
  '2.16.840.1.101.3.4.2.8': 'SHA3-256',
  '2.16.840.1.101.3.4.2.9': 'SHA3-384',
  '2.16.840.1.101.3.4.2.10': 'SHA3-512',
  // id-shake256 and id-shake256-len: with Ed448 (RFC 8419) the output is 512 bits.
  '2.16.840.1.101.3.4.2.12': 'SHAKE256',
  '2.16.840.1.101.3.4.2.18': 'SHAKE256',
  // Some signers put the signature algorithm where the digest algorithm belongs.
  '1.2.840.113549.1.1.5': 'SHA-1',
  '1.2.840.113549.1.1.11': 'SHA-256',
  '1.2.840.113549.1.1.12': 'SHA-384',
  '1.2.840.113549.1.1.13': 'SHA-512',
};

/** The WebCrypto digest name for a digest algorithm OID, or undefined when unsupported. */
export function hashByOid(oid: string | undefined): HashName | undefined {
  return oid === undefined ? undefined : HASHES[oid];
}

export interface SigningCertificateRef {
  version: 1 | 2;
  hashAlgorithm: string;
  hash: Uint8Array;
  /** Raw DER of the IssuerSerial, when present. */
  issuerSerial: { issuerDer: Uint8Array | null; serial: Uint8Array } | null;
}

export interface CmsFacts {
  /** Whether the CMS could be parsed as SignedData with a signer (all other fields are best effort). */
  parsed: boolean;
  /** Bytes after the DER structure (zero padding is normal). */
  trailingBytes: number;
  /** Some byte after the DER structure is not zero (not an integrity matter: nothing there is signed). */
  trailingDataNonZero: boolean;
  /** Indefinite or non-minimal lengths were used (BER, allowed in CMS outside the signed attributes). */
  berEncoded: boolean;
  signedData: pkijs.SignedData | null;
  signerInfo: pkijs.SignerInfo | null;
  sid:
    | { type: 'issuerAndSerialNumber'; issuer: pkijs.RelativeDistinguishedNames; serial: Uint8Array }
    | { type: 'subjectKeyIdentifier'; keyId: Uint8Array }
    | null;
  certificates: pkijs.Certificate[];
  signerCertificate: pkijs.Certificate | null;
  digestAlgorithmOid: string | undefined;
  digestAlgorithm: HashName | undefined;
  signatureAlgorithmOid: string | undefined;
  signatureAlgorithmParams: unknown;
  signature: Uint8Array | null;
  hasSignedAttributes: boolean;
  /** DER of the signed attributes as a SET (0x31), the bytes the signature covers. */
  signedAttributesDer: Uint8Array | null;
  signedAttributeTypes: string[];
  contentTypeAttribute: string | undefined;
  messageDigest: Uint8Array | null;
  signingTimeAttribute: Date | undefined;
  signingCertificate: SigningCertificateRef[] | null;
  unsignedAttributeTypes: string[];
  /** The RFC 3161 signature timestamp token (DER ContentInfo) from the unsigned attributes, if any. */
  signatureTimestampToken: Uint8Array | null;
  eContentType: string | undefined;
  eContent: Uint8Array | null;
  problems: CmsProblem[];
}

function u8(buf: ArrayBuffer | ArrayBufferView): Uint8Array {
  return buf instanceof ArrayBuffer ? new Uint8Array(buf) : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function ab(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

function eq(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Integers compare without DER's sign-padding zeros. */
export function sameSerial(a: Uint8Array, b: Uint8Array): boolean {
  const strip = (x: Uint8Array): Uint8Array => {
    let i = 0;
    while (i < x.length - 1 && x[i] === 0) i++;
    return x.subarray(i);
  };
  return eq(strip(a), strip(b));
}

function empty(): CmsFacts {
  return {
    parsed: false,
    trailingBytes: 0,
    trailingDataNonZero: false,
    berEncoded: false,
    signedData: null,
    signerInfo: null,
    sid: null,
    certificates: [],
    signerCertificate: null,
    digestAlgorithmOid: undefined,
    digestAlgorithm: undefined,
    signatureAlgorithmOid: undefined,
    signatureAlgorithmParams: undefined,
    signature: null,
    hasSignedAttributes: false,
    signedAttributesDer: null,
    signedAttributeTypes: [],
    contentTypeAttribute: undefined,
    messageDigest: null,
    signingTimeAttribute: undefined,
    signingCertificate: null,
    unsignedAttributeTypes: [],
    signatureTimestampToken: null,
    eContentType: undefined,
    eContent: null,
    problems: [],
  };
}

/** Parses /Contents as CMS SignedData. Never throws. */
export function parseCms(contents: Uint8Array | null): CmsFacts {
  const f = empty();
  if (!contents || contents.length === 0) {
    f.problems.push('CMS_NOT_DER');
    return f;
  }
  try {
    parseInto(f, contents);
  } catch {
    if (!f.problems.includes('CMS_MALFORMED')) f.problems.push('CMS_MALFORMED');
    f.parsed = false;
  }
  return f;
}

/**
 * Takes the certificates field ([0] IMPLICIT) out of a SignedData before pkijs reads it, and reads each certificate
 * through toCertificate instead: its shared cache spares re-parsing the CA and signer certificates a service sees in
 * every document. Returns the parsed certificates (other CertificateChoices are skipped, as before) or null when
 * the field is absent or the structure is not what it should be (then pkijs reads it as usual).
 */
function takeCertificates(signedData: unknown): { certs: pkijs.Certificate[]; restore: () => void } | null {
  if (!(signedData instanceof asn1js.Sequence)) return null;
  const items = signedData.valueBlock.value;
  const at = items.findIndex((e) => e.idBlock.tagClass === 3 && e.idBlock.tagNumber === 0);
  if (at < 0 || !(items[at] instanceof asn1js.Constructed)) return null;
  const certs: pkijs.Certificate[] = [];
  for (const e of (items[at] as asn1js.Constructed).valueBlock.value) {
    if (!(e instanceof asn1js.Sequence)) continue; // other CertificateChoices: not X.509 certificates
    const raw = e.valueBeforeDecodeView;
    if (!raw || raw.byteLength === 0) return null;
    try {
      certs.push(toCertificate(u8(raw).slice()));
    } catch {
      return null;
    }
  }
  const [taken] = items.splice(at, 1);
  if (!taken) return null; // at indexes items: not reached
  // The tree is shared (berOf): the field goes back once pkijs has read the rest.
  return { certs, restore: () => void items.splice(at, 0, taken) };
}

function parseInto(f: CmsFacts, contents: Uint8Array): void {
  const asn = berOf(contents);
  if (asn.offset === -1 || asn.result.error) {
    f.problems.push('CMS_NOT_DER');
    return;
  }
  const rest = contents.subarray(asn.offset);
  f.trailingBytes = rest.length;
  f.trailingDataNonZero = anyNonZero(rest);
  // the certificates' own facts come apart from the tree when they were parsed apart (ber.ts)
  const enc = encodingFacts(asn.result);
  f.berEncoded = enc.ber || asn.certificates.ber;
  if (enc.badInteger || asn.certificates.badInteger) f.problems.push('CMS_INTEGER_NOT_MINIMAL');
  let ci: pkijs.ContentInfo;
  try {
    ci = new pkijs.ContentInfo({ schema: asn.result });
  } catch {
    f.problems.push('CMS_MALFORMED');
    return;
  }
  if (ci.contentType !== OID.signedData) {
    f.problems.push('CMS_NOT_SIGNED_DATA');
    return;
  }
  let sd: pkijs.SignedData;
  const taken = takeCertificates(ci.content);
  try {
    sd = readSignedData(ci.content);
  } catch {
    f.problems.push('CMS_MALFORMED');
    return;
  } finally {
    taken?.restore();
  }
  if (taken) sd.certificates = taken.certs;
  f.signedData = sd;
  f.certificates = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  f.eContentType = sd.encapContentInfo?.eContentType;
  const ec = sd.encapContentInfo?.eContent;
  if (ec) f.eContent = octets(ec);

  const [si] = sd.signerInfos;
  if (!si) {
    f.problems.push('CMS_NO_SIGNER');
    return;
  }
  if (sd.signerInfos.length > 1) f.problems.push('CMS_MULTIPLE_SIGNERS');
  f.signerInfo = si;
  f.parsed = true;

  // Signer identifier and certificate.
  if (si.sid instanceof pkijs.IssuerAndSerialNumber) {
    const serial = u8(si.sid.serialNumber.valueBlock.valueHexView);
    f.sid = { type: 'issuerAndSerialNumber', issuer: si.sid.issuer, serial };
    const issuer = si.sid.issuer;
    f.signerCertificate =
      f.certificates.find(
        (c) => sameSerial(u8(c.serialNumber.valueBlock.valueHexView), serial) && namesEqual(c.issuer, issuer),
      ) ?? null;
  } else {
    const keyId = skiFromSid(si.sid);
    if (keyId) {
      f.sid = { type: 'subjectKeyIdentifier', keyId };
      f.signerCertificate =
        f.certificates.find((c) => {
          const own = certSki(c);
          return own !== null && eq(own, keyId);
        }) ?? null;
    } else f.problems.push('CMS_MALFORMED');
  }
  if (!f.signerCertificate) f.problems.push('SIGNER_CERTIFICATE_NOT_FOUND');

  f.digestAlgorithmOid = si.digestAlgorithm?.algorithmId;
  f.digestAlgorithm = hashByOid(f.digestAlgorithmOid);
  if (!f.digestAlgorithm) f.problems.push('DIGEST_ALGORITHM_UNSUPPORTED');
  f.signatureAlgorithmOid = si.signatureAlgorithm?.algorithmId;
  f.signatureAlgorithmParams = si.signatureAlgorithm?.algorithmParams;
  f.signature = u8(si.signature.valueBlock.valueHexView);

  // Signed attributes.
  if (si.signedAttrs) {
    f.hasSignedAttributes = true;
    const enc = si.signedAttrs.encodedValue;
    if (enc && enc.byteLength > 0) {
      const der = new Uint8Array(enc.slice(0));
      der[0] = 0x31;
      f.signedAttributesDer = der;
    } else {
      // Built, not parsed: re-encode as a SET.
      const set = new asn1js.Set({ value: si.signedAttrs.attributes.map((a) => a.toSchema()) });
      f.signedAttributesDer = new Uint8Array(set.toBER(false));
    }
    for (const attr of si.signedAttrs.attributes) {
      // RFC 5652 §11 and RFC 5035: one instance each of these; a second could say something else than the first.
      if (
        SINGLE_INSTANCE.has(attr.type) &&
        f.signedAttributeTypes.includes(attr.type) &&
        !f.problems.includes('SIGNED_ATTRIBUTE_REPEATED')
      ) {
        f.problems.push('SIGNED_ATTRIBUTE_REPEATED');
      }
      f.signedAttributeTypes.push(attr.type);
      try {
        const v = attr.values[0];
        if (attr.type === OID.contentType) {
          if (attr.values.length !== 1 || !(v instanceof asn1js.ObjectIdentifier))
            f.problems.push('SIGNED_ATTRIBUTE_MALFORMED');
          else f.contentTypeAttribute = v.valueBlock.toString();
        } else if (attr.type === OID.messageDigest) {
          if (attr.values.length !== 1 || !(v instanceof asn1js.OctetString))
            f.problems.push('SIGNED_ATTRIBUTE_MALFORMED');
          else f.messageDigest = u8(v.valueBlock.valueHexView);
        } else if (attr.type === OID.signingTime) {
          if (v instanceof asn1js.UTCTime || v instanceof asn1js.GeneralizedTime) f.signingTimeAttribute = v.toDate();
        } else if (attr.type === OID.signingCertificate || attr.type === OID.signingCertificateV2) {
          const refs = parseSigningCertificate(v, attr.type === OID.signingCertificateV2 ? 2 : 1);
          if (!refs) f.problems.push('SIGNING_CERTIFICATE_ATTRIBUTE_MALFORMED');
          else f.signingCertificate = [...(f.signingCertificate ?? []), ...refs];
        }
      } catch {
        f.problems.push('SIGNED_ATTRIBUTE_MALFORMED');
      }
    }
    if (f.contentTypeAttribute === undefined && !f.signedAttributeTypes.includes(OID.contentType))
      f.problems.push('CONTENT_TYPE_ATTRIBUTE_MISSING');
    if (f.messageDigest === null && !f.signedAttributeTypes.includes(OID.messageDigest))
      f.problems.push('MESSAGE_DIGEST_ATTRIBUTE_MISSING');
    // RFC 5652 §11.1: the content-type attribute must name the content signed, or the signature could be re-read as
    // a signature over another type of content.
    if (f.contentTypeAttribute !== undefined && f.contentTypeAttribute !== f.eContentType)
      f.problems.push('CONTENT_TYPE_MISMATCH');
  }

  // Unsigned attributes.
  for (const attr of si.unsignedAttrs?.attributes ?? []) {
    f.unsignedAttributeTypes.push(attr.type);
    if (attr.type === OID.timestampToken && attr.values[0] && !f.signatureTimestampToken) {
      try {
        f.signatureTimestampToken = new Uint8Array(attr.values[0].toBER(false));
      } catch {
        /* leave null */
      }
    }
  }
}

const SINGLE_INSTANCE = new Set<string>([
  OID.contentType,
  OID.messageDigest,
  OID.signingTime,
  OID.signingCertificate,
  OID.signingCertificateV2,
]);

function octets(v: asn1js.OctetString): Uint8Array {
  // Constructed (BER) octet strings are concatenated.
  if (v.idBlock.isConstructed) {
    const parts = (v.valueBlock.value as asn1js.OctetString[]).map((p) => octets(p));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
  return u8(v.valueBlock.valueHexView).slice();
}

function skiFromSid(sid: unknown): Uint8Array | null {
  const s = sid as {
    valueBlock?: { valueHexView?: Uint8Array; value?: Array<{ valueBlock?: { valueHexView?: Uint8Array } }> };
  };
  const vb = s?.valueBlock;
  if (!vb) return null;
  if (Array.isArray(vb.value) && vb.value.length > 0) {
    const inner = vb.value[0]?.valueBlock?.valueHexView;
    return inner ? u8(inner) : null;
  }
  return vb.valueHexView && vb.valueHexView.byteLength > 0 ? u8(vb.valueHexView) : null;
}

/** The certificate's subjectKeyIdentifier extension value, if any. */
export function certSki(cert: pkijs.Certificate): Uint8Array | null {
  const ext = cert.extensions?.find((e) => e.extnID === OID.subjectKeyIdentifier);
  if (!ext) return null;
  const p = ext.parsedValue;
  if (p instanceof asn1js.OctetString) return u8(p.valueBlock.valueHexView);
  try {
    const inner = asn1js.fromBER(ab(u8(ext.extnValue.valueBlock.valueHexView)));
    if (inner.result instanceof asn1js.OctetString) return u8(inner.result.valueBlock.valueHexView);
  } catch {
    /* none */
  }
  return null;
}

function parseSigningCertificate(v: unknown, version: 1 | 2): SigningCertificateRef[] | null {
  if (!(v instanceof asn1js.Sequence)) return null;
  const certs = v.valueBlock.value[0];
  if (!(certs instanceof asn1js.Sequence)) return null;
  const out: SigningCertificateRef[] = [];
  for (const id of certs.valueBlock.value) {
    if (!(id instanceof asn1js.Sequence)) return null;
    const parts = id.valueBlock.value;
    let i = 0;
    let hashAlgorithm = version === 1 ? '1.3.14.3.2.26' : '2.16.840.1.101.3.4.2.1';
    if (version === 2 && parts[i] instanceof asn1js.Sequence) {
      const alg = (parts[i] as asn1js.Sequence).valueBlock.value[0];
      if (!(alg instanceof asn1js.ObjectIdentifier)) return null;
      hashAlgorithm = alg.valueBlock.toString();
      i++;
    }
    const hash = parts[i];
    if (!(hash instanceof asn1js.OctetString)) return null;
    i++;
    let issuerSerial: SigningCertificateRef['issuerSerial'] = null;
    const is = parts[i];
    if (is instanceof asn1js.Sequence) {
      const [names, serial] = is.valueBlock.value;
      if (!(serial instanceof asn1js.Integer) || !(names instanceof asn1js.Sequence)) return null;
      let issuerDer: Uint8Array | null = null;
      for (const gn of names.valueBlock.value) {
        // directoryName [4] EXPLICIT Name
        if (gn.idBlock.tagClass === 3 && gn.idBlock.tagNumber === 4) {
          const inner = (gn as asn1js.Constructed).valueBlock.value?.[0];
          // the Name's bytes as signed (integrity.ts reads them again and compares names, not bytes)
          if (inner)
            issuerDer =
              inner.valueBeforeDecodeView.byteLength > 0
                ? inner.valueBeforeDecodeView.slice()
                : new Uint8Array(inner.toBER(false));
        }
      }
      issuerSerial = { issuerDer, serial: u8(serial.valueBlock.valueHexView) };
    }
    out.push({ version, hashAlgorithm, hash: u8(hash.valueBlock.valueHexView), issuerSerial });
  }
  return out;
}
