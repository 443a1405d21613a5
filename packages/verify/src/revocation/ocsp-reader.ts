/**
 * An OCSP response read straight from its DER (pkijs-direct.ts): the outer OCSPResponse's status and bytes, and the
 * BasicOCSPResponse as the objects pkijs's BasicOCSPResponse reading makes, without asn1js parsing the whole
 * response nor pkijs matching schemas (a fresh process's first response cost ~3–4 ms of cold code for one answer).
 * The certificates it carries are read as toCertificate reads them. Only the plain layout is read (a non-empty list
 * of responses, non-empty extension lists, GeneralizedTimes without fractions); anything else answers null and
 * ocsp-response.ts takes pkijs's reading, which then says what it is.
 */
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { inside, oidText, type Tlv, whole } from './der-tlv.js';
import {
  algorithm,
  children,
  extension,
  lazyLeaf,
  leaf,
  make,
  name,
  need,
  readSigned,
  time,
  Unreadable,
} from './pkijs-direct.js';

/** The outer OCSPResponse: its status code and, when present, the type and bytes of its responseBytes. */
export interface OcspEnvelope {
  status: number;
  responseType?: string;
  /** The response's content (the BasicOCSPResponse DER for id-pkix-ocsp-basic), a view of the input. */
  response?: Uint8Array;
}

/** Reads the OCSPResponse envelope, or null for another layout. */
export function readOcspEnvelope(der: Uint8Array): OcspEnvelope | null {
  const top = whole(der, 0x30);
  const [status, bytes, ...more] = (top && inside(der, top)) ?? [];
  if (status?.tag !== 0x0a || status.end - status.start !== 1 || more.length > 0) return null;
  const code = der[status.start] as number;
  if (code > 0x7f) return null;
  if (!bytes) return { status: code };
  if (bytes.tag !== 0xa0) return null;
  const [seq, ...rest] = inside(der, bytes) ?? [];
  const [type, octets, ...extra] = seq?.tag === 0x30 ? (inside(der, seq) ?? []) : [];
  const responseType = type ? oidText(der, type) : undefined;
  if (!responseType || octets?.tag !== 0x04 || extra.length > 0 || rest.length > 0) return null;
  return { status: code, responseType, response: der.subarray(octets.start, octets.end) };
}

/** A GeneralizedTime as asn1js's toDate gives it (the plain form: pkijs-direct time()). */
function generalized(b: Uint8Array, t: Tlv | undefined): Date {
  if (t?.tag !== 0x18) throw new Unreadable();
  return time(b, t).value;
}

function extensionList(b: Uint8Array, t: Tlv | undefined): pkijs.Extension[] {
  const [seq, ...more] = children(b, t, t?.tag ?? -1);
  const items = children(b, seq, 0x30);
  if (more.length > 0 || items.length === 0) throw new Unreadable();
  return items.map((e) => extension(b, e));
}

function certId(b: Uint8Array, t: Tlv | undefined): pkijs.CertID {
  const [hashAlgorithm, nameHash, keyHash, serial, ...more] = children(b, t, 0x30);
  if (nameHash?.tag !== 0x04 || keyHash?.tag !== 0x04 || serial?.tag !== 0x02 || more.length > 0)
    throw new Unreadable();
  return make(pkijs.CertID, {
    hashAlgorithm: algorithm(b, hashAlgorithm),
    issuerNameHash: leaf(b, nameHash) as asn1js.OctetString,
    issuerKeyHash: leaf(b, keyHash) as asn1js.OctetString,
    serialNumber: leaf(b, serial) as asn1js.Integer,
  });
}

/** RevokedInfo as pkijs's schema has it: a GeneralizedTime and, optionally, [0] EXPLICIT one ENUMERATED. */
function revokedInfo(b: Uint8Array, t: Tlv): void {
  const [when, reason, ...more] = children(b, t, 0xa1);
  generalized(b, when);
  if (more.length > 0) throw new Unreadable();
  if (!reason) return;
  const [code, ...extra] = children(b, reason, 0xa0);
  if (code?.tag !== 0x0a || code.end === code.start || extra.length > 0) throw new Unreadable();
}

function singleResponse(b: Uint8Array, t: Tlv): pkijs.SingleResponse {
  const [id, status, thisUpdate, ...rest] = children(b, t, 0x30);
  // certStatus: [0] IMPLICIT NULL, [1] IMPLICIT RevokedInfo, [2] IMPLICIT UnknownInfo (the block as asn1js reads it)
  if (!status || ![0x80, 0xa1, 0x82].includes(status.tag)) throw new Unreadable();
  if (status.tag === 0xa1) revokedInfo(b, status);
  else if (status.end !== status.start) throw new Unreadable(); // good and unknown are empty
  let at = 0;
  const next = rest[at]?.tag === 0xa0 ? rest[at++] : undefined;
  const extensions = rest[at]?.tag === 0xa1 ? rest[at++] : undefined;
  if (at !== rest.length) throw new Unreadable();
  let nextUpdate: Date | undefined;
  if (next) {
    const [inner, ...more] = children(b, next, 0xa0);
    if (more.length > 0) throw new Unreadable();
    nextUpdate = generalized(b, inner);
  }
  return make(pkijs.SingleResponse, {
    certID: certId(b, id),
    certStatus: leaf(b, status),
    thisUpdate: generalized(b, thisUpdate),
    ...(nextUpdate ? { nextUpdate } : {}),
    ...(extensions ? { singleExtensions: extensionList(b, extensions) } : {}),
  });
}

function responseData(b: Uint8Array, t: Tlv | undefined): pkijs.ResponseData {
  const fields = children(b, t, 0x30);
  let at = 0;
  let version: number | undefined;
  if (fields[0]?.tag === 0xa0) {
    const [v, ...more] = children(b, fields[0], 0xa0);
    if (v?.tag !== 0x02 || v.end - v.start !== 1 || more.length > 0 || (b[v.start] as number) > 0x7f)
      throw new Unreadable();
    version = b[v.start] as number;
    at = 1;
  }
  const rid = fields[at++];
  let responderID: pkijs.RelativeDistinguishedNames | asn1js.OctetString;
  const [ridValue, ...ridMore] = rid && (rid.tag === 0xa1 || rid.tag === 0xa2) ? children(b, rid, rid.tag) : [];
  if (!rid || !ridValue || ridMore.length > 0) throw new Unreadable();
  if (rid.tag === 0xa1) responderID = name(b, ridValue);
  else if (ridValue.tag === 0x04) responderID = leaf(b, ridValue) as asn1js.OctetString;
  else throw new Unreadable();
  const producedAt = generalized(b, fields[at++]);
  const responses = children(b, fields[at++], 0x30);
  if (responses.length === 0) throw new Unreadable();
  const extensions = fields[at]?.tag === 0xa1 ? fields[at++] : undefined;
  if (at !== fields.length) throw new Unreadable();
  const tbs = t as Tlv; // children() checked it
  return make(pkijs.ResponseData, {
    tbsView: b.subarray(tbs.at, tbs.end),
    ...(version !== undefined ? { version } : {}),
    responderID,
    producedAt,
    responses: responses.map((r) => singleResponse(b, r)),
    ...(extensions ? { responseExtensions: extensionList(b, extensions) } : {}),
  });
}

/**
 * The BasicOCSPResponse in `input` as pkijs reads it, its certificates read by `readCertificate` (null for one it
 * cannot read: the whole response is then left to pkijs), or null (see the module comment).
 */
export function readBasicOcspResponse(
  input: Uint8Array,
  readCertificate: (der: Uint8Array) => pkijs.Certificate | null,
): pkijs.BasicOCSPResponse | null {
  return readSigned(input, (der, { tbs, signatureAlgorithm, signature, rest: [certsField, ...more] }) => {
    if (more.length > 0 || (certsField && certsField.tag !== 0xa0)) return null;
    let certs: pkijs.Certificate[] | undefined;
    if (certsField) {
      const [seq, ...rest] = children(der, certsField, 0xa0);
      const items = children(der, seq, 0x30);
      if (rest.length > 0) return null;
      certs = items.map((c) => need(readCertificate(der.subarray(c.at, c.end))));
    }
    const basic = make(pkijs.BasicOCSPResponse, {
      tbsResponseData: responseData(der, tbs),
      signatureAlgorithm: algorithm(der, signatureAlgorithm),
      ...(certs ? { certs } : {}),
    });
    return lazyLeaf(basic, 'signature', der, signature);
  });
}
