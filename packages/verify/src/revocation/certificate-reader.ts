/**
 * A certificate read straight from its DER into the very objects pkijs's own reading makes (Certificate.fromSchema
 * and the classes it calls), without asn1js parsing the whole certificate nor pkijs building and matching its
 * schemas. In a fresh process that reading was most of a CMS's parse (~3 ms for asn1js's first certificate and
 * ~2.5 ms for pkijs's, against ~0.15 ms for a walk of the DER). The leaves pkijs keeps as asn1js blocks (the serial
 * number, algorithm parameters, name values, the key and signature BIT STRINGs, extension values) are still read by
 * asn1js, each on its own, so they are the same blocks. Only the plain X.509 v1/v3 layout is read here; anything
 * else (unique identifiers, an empty name set or extension list, other time forms, a BOOLEAN that is not one byte,
 * a leaf asn1js cannot read) answers null and the caller takes pkijs's reading, which then says what it is.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { inside, oidText, type Tlv, whole } from './der-tlv.js';
import { extensionValueOf } from './extension-values.js';

/** Builds an object of `cls` with exactly these own fields, as its constructor and fromSchema would leave it. */
function make<T extends object>(cls: abstract new (...args: never[]) => T, fields: Partial<T>): T {
  return Object.assign(Object.create(cls.prototype) as T, fields);
}

class Unreadable extends Error {}

function need<T>(v: T | null | undefined): T {
  if (v === null || v === undefined) throw new Unreadable();
  return v;
}

/** An asn1js block read from exactly this TLV (what the whole parse would have put in the tree here). */
function leaf(b: Uint8Array, t: Tlv): asn1js.AsnType {
  const asn = asn1js.fromBER(b.subarray(t.at, t.end));
  if (asn.offset !== t.end - t.at || asn.result.error) throw new Unreadable();
  return asn.result;
}

/**
 * `obj[key]` as the asn1js block of this TLV, read when first asked: most are never read in a validation (the
 * key is imported from its DER, extension values come read already), and asn1js's first reads in a process are
 * slow. The TLV was checked to be one well-formed primitive or constructed value (`leafReadable`), so the late read
 * cannot fail: only primitive OCTET STRINGs and BIT STRINGs with 0–7 unused bits are read late, which asn1js always
 * reads (what it tries inside them fails quietly).
 */
function lazyLeaf<T extends object>(obj: T, key: string, b: Uint8Array, t: Tlv): T {
  const bitString = t.tag === 0x03 && (t.end === t.start || (b[t.start] as number) <= 7);
  if (t.tag !== 0x04 && !bitString) throw new Unreadable();
  Object.defineProperty(obj, key, {
    configurable: true,
    enumerable: true,
    get(this: T) {
      const value = leaf(b, t);
      Object.defineProperty(this, key, { value, configurable: true, enumerable: true, writable: true });
      return value;
    },
    set(this: T, value: unknown) {
      Object.defineProperty(this, key, { value, configurable: true, enumerable: true, writable: true });
    },
  });
  return obj;
}

function children(b: Uint8Array, t: Tlv | undefined, tag: number): Tlv[] {
  if (t?.tag !== tag) throw new Unreadable();
  return need(inside(b, t));
}

function algorithm(b: Uint8Array, t: Tlv | undefined): pkijs.AlgorithmIdentifier {
  const [oid, params, ...more] = children(b, t, 0x30);
  if (!oid || more.length > 0) throw new Unreadable();
  return make(pkijs.AlgorithmIdentifier, {
    algorithmId: need(oidText(b, oid)),
    ...(params ? { algorithmParams: leaf(b, params) } : {}),
  });
}

/** RelativeDistinguishedNames: every AttributeTypeAndValue of every SET, in order, and the name's own bytes. */
function name(b: Uint8Array, t: Tlv | undefined): pkijs.RelativeDistinguishedNames {
  const typesAndValues: pkijs.AttributeTypeAndValue[] = [];
  for (const set of children(b, t, 0x30)) {
    const atvs = children(b, set, 0x31);
    if (atvs.length === 0) throw new Unreadable();
    for (const atv of atvs) {
      const [type, value, ...more] = children(b, atv, 0x30);
      if (!type || !value || more.length > 0) throw new Unreadable();
      typesAndValues.push(
        make(pkijs.AttributeTypeAndValue, {
          type: need(oidText(b, type)),
          value: leaf(b, value) as pkijs.AttributeTypeAndValue['value'],
        }),
      );
    }
  }
  const at = t as Tlv; // children() checked it
  return make(pkijs.RelativeDistinguishedNames, {
    typesAndValues,
    valueBeforeDecode: b.slice(at.at, at.end).buffer as ArrayBuffer,
  });
}

const DIGITS = /^[0-9]+$/;

/** A Time as asn1js's toDate reads the plain forms: UTCTime YYMMDDHHMMSSZ (1950–2049), GeneralizedTime YYYYMMDDHHMMSSZ. */
function time(b: Uint8Array, t: Tlv | undefined): pkijs.Time {
  const utc = t?.tag === 0x17;
  if (!t || (!utc && t.tag !== 0x18)) throw new Unreadable();
  const text = String.fromCharCode(...b.subarray(t.start, t.end));
  const digits = text.slice(0, -1);
  if (text.length !== (utc ? 13 : 15) || !text.endsWith('Z') || !DIGITS.test(digits)) throw new Unreadable();
  const n = (from: number, length: number) => Number(digits.slice(from, from + length));
  const y = utc ? n(0, 2) : n(0, 4);
  const year = utc ? (y < 50 ? 2000 + y : 1900 + y) : y;
  const o = utc ? 2 : 4;
  const [month, day, hour, minute, second] = [n(o, 2), n(o + 2, 2), n(o + 4, 2), n(o + 6, 2), n(o + 8, 2)];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) throw new Unreadable();
  const value = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // a year before 100 would be read by Date.UTC as 19xx; a day past the month's end rolls over: pkijs's reading then
  if (value.getUTCFullYear() !== year || value.getUTCDate() !== day) throw new Unreadable();
  return make(pkijs.Time, { type: utc ? 0 : 1, value });
}

function extension(b: Uint8Array, t: Tlv): pkijs.Extension {
  const parts = children(b, t, 0x30);
  const [id, second, third, ...more] = parts;
  if (!id || !second || more.length > 0) throw new Unreadable();
  const critical = third ? second : undefined;
  const value = third ?? second;
  if (critical && (critical.tag !== 0x01 || critical.end - critical.start !== 1)) throw new Unreadable();
  if (value.tag !== 0x04) throw new Unreadable();
  const extnID = need(oidText(b, id));
  const ext = lazyLeaf(
    make(pkijs.Extension, { extnID, critical: critical ? b[critical.start] !== 0 : false }),
    'extnValue',
    b,
    value,
  );
  const parsed = extensionValueOf(extnID, b.subarray(value.start, value.end));
  if (parsed !== undefined) ext.parsedValue = parsed;
  return ext;
}

/**
 * The certificate in `der` (exactly one Certificate, nothing after it) read as pkijs reads it, or null when its
 * layout is not the plain one read here (pkijs's own reading then decides). `der` is copied: nothing kept refers
 * to the caller's buffer.
 */
export function readCertificate(input: Uint8Array): pkijs.Certificate | null {
  const der = input.slice();
  try {
    const cert = need(whole(der, 0x30));
    const [tbs, signatureAlgorithm, signatureValue, ...rest] = need(inside(der, cert));
    if (!tbs || !signatureAlgorithm || signatureValue?.tag !== 0x03 || rest.length > 0) return null;
    const fields = children(der, tbs, 0x30);
    let i = 0;
    let version = 0;
    if (fields[0]?.tag === 0xa0) {
      const [v, ...more] = children(der, fields[0], 0xa0);
      if (v?.tag !== 0x02 || v.end - v.start !== 1 || more.length > 0 || (der[v.start] as number) > 0x7f) return null;
      version = der[v.start] as number;
      i = 1;
    }
    const serial = fields[i];
    if (serial?.tag !== 0x02) return null;
    const validity = children(der, fields[i + 3], 0x30);
    if (validity.length !== 2) return null;
    const [keyAlgorithm, key, ...keyRest] = children(der, fields[i + 5], 0x30);
    if (key?.tag !== 0x03 || keyRest.length > 0) return null;
    const tail = fields.slice(i + 6);
    const [extensions, ...afterExtensions] = tail;
    if (afterExtensions.length > 0 || (extensions && extensions.tag !== 0xa3)) return null;
    let list: pkijs.Extension[] | undefined;
    if (extensions) {
      const [seq, ...more] = children(der, extensions, 0xa3);
      const items = children(der, seq, 0x30);
      if (more.length > 0 || items.length === 0) return null;
      list = items.map((e) => extension(der, e));
    }
    const certificate = make(pkijs.Certificate, {
      tbsView: der.subarray(tbs.at, tbs.end),
      version,
      serialNumber: leaf(der, serial) as asn1js.Integer,
      signature: algorithm(der, fields[i + 1]),
      issuer: name(der, fields[i + 2]),
      notBefore: time(der, validity[0]),
      notAfter: time(der, validity[1]),
      subject: name(der, fields[i + 4]),
      subjectPublicKeyInfo: lazyLeaf(
        make(pkijs.PublicKeyInfo, { algorithm: algorithm(der, keyAlgorithm) }),
        'subjectPublicKey',
        der,
        key,
      ),
      ...(list ? { extensions: list } : {}),
      signatureAlgorithm: algorithm(der, signatureAlgorithm),
    });
    return lazyLeaf(certificate, 'signatureValue', der, signatureValue);
  } catch {
    // Unreadable, or asn1js throwing on a leaf (a UniversalString of 5 bytes): pkijs's reading says what it is
    return null;
  }
}
