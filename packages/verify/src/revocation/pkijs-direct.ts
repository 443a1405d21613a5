/**
 * Reading X.509 structures straight from DER into the very objects pkijs's own reading makes (its classes, with the
 * fields its fromSchema sets), without asn1js parsing the whole structure nor pkijs building and matching schemas:
 * the parts certificate-reader.ts, crl-reader.ts and ocsp-reader.ts share. The leaves pkijs keeps as asn1js blocks are read by asn1js,
 * each on its own (so they are the same blocks), some only when first asked. Anything outside the plain forms read
 * here throws Unreadable, and the caller takes pkijs's reading.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { inside, oidText, type Tlv, whole } from './der-tlv.js';
import { extensionValueOf } from './extension-values.js';

/** Builds an object of `cls` with exactly these own fields, as its constructor and fromSchema would leave it. */
export function make<T extends object>(cls: abstract new (...args: never[]) => T, fields: Partial<T>): T {
  return Object.assign(Object.create(cls.prototype) as T, fields);
}

export class Unreadable extends Error {}

export function need<T>(v: T | null | undefined): T {
  if (v === null || v === undefined) throw new Unreadable();
  return v;
}

/** An asn1js block read from exactly this TLV (what the whole parse would have put in the tree here). */
export function leaf(b: Uint8Array, t: Tlv): asn1js.AsnType {
  const asn = asn1js.fromBER(b.subarray(t.at, t.end));
  if (asn.offset !== t.end - t.at || asn.result.error) throw new Unreadable();
  return asn.result;
}

/**
 * `obj[key]` as the asn1js block of this TLV, read when first asked: most are never read in a validation (the
 * key is imported from its DER, extension values come read already), and asn1js's first reads in a process are
 * slow. Only primitive OCTET STRINGs and BIT STRINGs with 0–7 unused bits are read late (anything else throws
 * Unreadable now): asn1js always reads those, and what it tries inside them fails quietly, so the late read cannot
 * fail where an early one would not have.
 */
export function lazyLeaf<T extends object>(obj: T, key: string, b: Uint8Array, t: Tlv): T {
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

export function children(b: Uint8Array, t: Tlv | undefined, tag: number): Tlv[] {
  if (t?.tag !== tag) throw new Unreadable();
  return need(inside(b, t));
}

export function algorithm(b: Uint8Array, t: Tlv | undefined): pkijs.AlgorithmIdentifier {
  const [oid, params, ...more] = children(b, t, 0x30);
  if (!oid || more.length > 0) throw new Unreadable();
  return make(pkijs.AlgorithmIdentifier, {
    algorithmId: need(oidText(b, oid)),
    ...(params ? { algorithmParams: leaf(b, params) } : {}),
  });
}

/** RelativeDistinguishedNames: every AttributeTypeAndValue of every SET, in order, and the name's own bytes. */
export function name(b: Uint8Array, t: Tlv | undefined): pkijs.RelativeDistinguishedNames {
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
export function time(b: Uint8Array, t: Tlv | undefined): pkijs.Time {
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

export function extension(b: Uint8Array, t: Tlv): pkijs.Extension {
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

/** The parts of a signed structure: SEQUENCE { tbs, signatureAlgorithm, BIT STRING signature, ...rest }. */
export interface SignedParts {
  tbs: Tlv;
  signatureAlgorithm: Tlv;
  signature: Tlv;
  rest: Tlv[];
}

/**
 * Reads `input` as one signed structure (nothing after it) with `build`, over a copy (nothing kept refers to the
 * caller's buffer; a Node Buffer's own slice would be a view). Null when it is not one, or when `build` declines or
 * throws (Unreadable, or asn1js throwing on a leaf such as a UniversalString of 5 bytes): pkijs's reading then says
 * what it is.
 */
export function readSigned<T>(input: Uint8Array, build: (der: Uint8Array, parts: SignedParts) => T | null): T | null {
  const der = new Uint8Array(input);
  try {
    const [tbs, signatureAlgorithm, signature, ...rest] = need(inside(der, need(whole(der, 0x30))));
    if (!tbs || !signatureAlgorithm || signature?.tag !== 0x03) return null;
    return build(der, { tbs, signatureAlgorithm, signature, rest });
  } catch {
    return null;
  }
}
