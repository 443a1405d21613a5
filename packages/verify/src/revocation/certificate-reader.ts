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
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { algorithm, children, extension, lazyLeaf, leaf, make, name, readSigned, time } from './pkijs-direct.js';

/**
 * The certificate in `der` (exactly one Certificate, nothing after it) read as pkijs reads it, or null when its
 * layout is not the plain one read here (pkijs's own reading then decides). `der` is copied: nothing kept refers
 * to the caller's buffer.
 */
export function readCertificate(input: Uint8Array): pkijs.Certificate | null {
  return readSigned(input, (der, { tbs, signatureAlgorithm, signature, rest }) => {
    if (rest.length > 0) return null;
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
    return lazyLeaf(certificate, 'signatureValue', der, signature);
  });
}
