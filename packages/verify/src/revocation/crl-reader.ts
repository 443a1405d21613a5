/**
 * A CRL read straight from its DER into the objects pkijs's CertificateRevocationList reading makes (pkijs-direct.ts),
 * without asn1js parsing the whole list nor pkijs matching a schema per entry: a CA's CRL can list tens of thousands
 * of certificates, and a fresh process's first CRL cost ~3.5 ms even for one entry. Only the plain v1/v2 layout is
 * read (a non-empty revoked list, non-empty extension lists); anything else answers null and crl.ts takes pkijs's
 * reading, which then says what it is.
 */
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Tlv } from './der-tlv.js';
import {
  algorithm,
  children,
  extension,
  lazyLeaf,
  leaf,
  make,
  name,
  readSigned,
  time,
  Unreadable,
} from './pkijs-direct.js';

function extensions(b: Uint8Array, t: Tlv | undefined): pkijs.Extensions {
  const items = children(b, t, 0x30);
  if (items.length === 0) throw new Unreadable();
  return make(pkijs.Extensions, { extensions: items.map((e) => extension(b, e)) });
}

function revoked(b: Uint8Array, t: Tlv): pkijs.RevokedCertificate {
  const [serial, date, entryExtensions, ...more] = children(b, t, 0x30);
  if (serial?.tag !== 0x02 || more.length > 0) throw new Unreadable();
  return make(pkijs.RevokedCertificate, {
    userCertificate: leaf(b, serial) as asn1js.Integer,
    revocationDate: time(b, date),
    ...(entryExtensions ? { crlEntryExtensions: extensions(b, entryExtensions) } : {}),
  });
}

/** The CRL in `input` (exactly one, nothing after it) as pkijs reads it, or null (see the module comment). */
export function readCrl(input: Uint8Array): pkijs.CertificateRevocationList | null {
  return readSigned(input, (der, { tbs, signatureAlgorithm, signature: signatureValue, rest }) => {
    if (rest.length > 0) return null;
    const fields = children(der, tbs, 0x30);
    let i = 0;
    let version: number | undefined;
    if (fields[0]?.tag === 0x02) {
      const v = fields[0];
      if (v.end - v.start !== 1 || (der[v.start] as number) > 0x7f) return null;
      version = der[v.start] as number;
      i = 1;
    }
    const [signature, issuer, thisUpdate] = [fields[i], fields[i + 1], fields[i + 2]];
    let at = i + 3;
    const next = fields[at]?.tag === 0x17 || fields[at]?.tag === 0x18 ? fields[at++] : undefined;
    const entries = fields[at]?.tag === 0x30 ? fields[at++] : undefined;
    const crlExtensions = fields[at]?.tag === 0xa0 ? fields[at++] : undefined;
    if (at !== fields.length) return null;
    let revokedCertificates: pkijs.RevokedCertificate[] | undefined;
    if (entries) {
      const items = children(der, entries, 0x30);
      if (items.length === 0) return null;
      revokedCertificates = items.map((e) => revoked(der, e));
    }
    let extensionList: pkijs.Extensions | undefined;
    if (crlExtensions) {
      const [seq, ...more] = children(der, crlExtensions, 0xa0);
      if (more.length > 0) return null;
      extensionList = extensions(der, seq);
    }
    const crl = make(pkijs.CertificateRevocationList, {
      tbsView: der.subarray(tbs.at, tbs.end),
      version: version ?? 0,
      signature: algorithm(der, signature),
      issuer: name(der, issuer),
      thisUpdate: time(der, thisUpdate),
      ...(next ? { nextUpdate: time(der, next) } : {}),
      ...(revokedCertificates ? { revokedCertificates } : {}),
      ...(extensionList ? { crlExtensions: extensionList } : {}),
      signatureAlgorithm: algorithm(der, signatureAlgorithm),
    });
    return lazyLeaf(crl, 'signatureValue', der, signatureValue);
  });
}
