/**
 * The values of the extensions every certificate in a path has (key identifiers, basic constraints, key usages, CRL
 * distribution points, authority information access, policies), read straight from their DER when it has the plain
 * form CAs issue, and set as the extension's parsedValue. pkijs reads a value on first use by parsing it with asn1js
 * and matching a schema built for the occasion; in a fresh process that first run of cold code was the largest part
 * of path building (~9 ms of a 50 MB file's validation). The objects made here are the ones pkijs's own reading makes
 * (ExtensionValueFactory: its classes, or the asn1js block for a value it has no class for), so every reader of
 * parsedValue sees the same thing; any other form (BER, other name forms, qualifiers, anything unexpected) is left to
 * pkijs, as before.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { inside, oidText, type Tlv, uriText, whole } from './der-tlv.js';

const GENERAL_NAME_URI = 0x86;

/** The value pkijs would give an extension with this OID and value DER, when read directly; else undefined. */
export function extensionValueOf(oid: string, der: Uint8Array): object | undefined {
  switch (oid) {
    case '2.5.29.14': // subjectKeyIdentifier: an OCTET STRING (pkijs has no class: the asn1js block)
      {
        const t = whole(der, 0x04);
        return t ? new asn1js.OctetString({ valueHex: der.slice(t.start, t.end) }) : undefined;
      }
    case '2.5.29.15': // keyUsage: a BIT STRING (the asn1js block)
      return keyUsage(der);
    case '2.5.29.19':
      return basicConstraints(der);
    case '2.5.29.35':
      return authorityKeyIdentifier(der);
    case '2.5.29.37':
      return extKeyUsage(der);
    case '2.5.29.31': // cRLDistributionPoints
    case '2.5.29.46': // freshestCRL
      return distributionPoints(der);
    case '1.3.6.1.5.5.7.1.1': // authorityInfoAccess
      return infoAccess(der);
    case '2.5.29.32':
      return certificatePolicies(der);
    case '1.3.6.1.5.5.7.48.1.5': // id-pkix-ocsp-nocheck: NULL (the asn1js block)
      return der.length === 2 && der[0] === 0x05 && der[1] === 0x00 ? new asn1js.Null() : undefined;
    default:
      return undefined;
  }
}

/** Sets the directly read values on a freshly parsed certificate's extensions (see the module comment). */
export function primeExtensionValues(cert: pkijs.Certificate): void {
  for (const ext of cert.extensions ?? []) {
    const value = extensionValueOf(ext.extnID, ext.extnValue.valueBlock.valueHexView);
    if (value !== undefined) ext.parsedValue = value;
  }
}

function keyUsage(der: Uint8Array): asn1js.BitString | undefined {
  const t = whole(der, 0x03);
  const unused = t ? der[t.start] : undefined;
  // at least one byte of bits (asn1js writes an empty BIT STRING's unused-bits count as 0)
  if (!t || unused === undefined || unused > 7 || t.end - t.start < 2) return undefined;
  return new asn1js.BitString({ unusedBits: unused, valueHex: der.slice(t.start + 1, t.end) });
}

/** What `read` gives for every item, when there is at least one and it reads them all; else undefined. */
function every<T>(items: readonly Tlv[] | null | undefined, read: (t: Tlv) => T | undefined): T[] | undefined {
  if (!items || items.length === 0) return undefined;
  const out: T[] = [];
  for (const t of items) {
    const v = read(t);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** The items of a value that is one SEQUENCE (a SEQUENCE OF, or a SEQUENCE's fields); null for anything else. */
function sequenceItems(der: Uint8Array): Tlv[] | null {
  const seq = whole(der, 0x30);
  return seq && inside(der, seq);
}

/** SEQUENCE { cA BOOLEAN TRUE, pathLen INTEGER 0..127 }, either part absent (pathLen only with cA). */
function basicConstraints(der: Uint8Array): pkijs.BasicConstraints | undefined {
  const parts = sequenceItems(der);
  if (!parts || parts.length > 2) return undefined;
  const [ca, pathLen] = parts;
  if (!ca) return new pkijs.BasicConstraints();
  if (ca.tag !== 0x01 || ca.end - ca.start !== 1 || der[ca.start] !== 0xff) return undefined;
  if (!pathLen) return new pkijs.BasicConstraints({ cA: true });
  const n = der[pathLen.start];
  if (pathLen.tag !== 0x02 || pathLen.end - pathLen.start !== 1 || n === undefined || n > 0x7f) return undefined;
  return new pkijs.BasicConstraints({ cA: true, pathLenConstraint: n });
}

/** SEQUENCE { keyIdentifier [0] } alone (an issuer name and serial are left to pkijs). */
function authorityKeyIdentifier(der: Uint8Array): pkijs.AuthorityKeyIdentifier | undefined {
  const parts = sequenceItems(der);
  const id = parts?.length === 1 ? parts[0] : undefined;
  if (id?.tag !== 0x80) return undefined;
  return new pkijs.AuthorityKeyIdentifier({
    keyIdentifier: new asn1js.OctetString({ valueHex: der.slice(id.start, id.end) }),
  });
}

/** The OIDs of a SEQUENCE OF OBJECT IDENTIFIER with at least one. */
function oids(der: Uint8Array, items: Tlv[] | null): string[] | undefined {
  return every(items, (t) => oidText(der, t));
}

function extKeyUsage(der: Uint8Array): pkijs.ExtKeyUsage | undefined {
  const keyPurposes = oids(der, sequenceItems(der));
  return keyPurposes ? new pkijs.ExtKeyUsage({ keyPurposes }) : undefined;
}

/** URIs as pkijs GeneralNames (type 6, the text), at least one, nothing but URIs. */
function uris(der: Uint8Array, items: Tlv[] | null): pkijs.GeneralName[] | undefined {
  return every(items, (t) => {
    const uri = t.tag === GENERAL_NAME_URI ? uriText(der, t) : undefined;
    return uri === undefined ? undefined : new pkijs.GeneralName({ type: 6, value: uri });
  });
}

/** SEQUENCE OF DistributionPoint { distributionPoint [0] { fullName [0] URIs } } (no reasons, no cRLIssuer). */
function distributionPoints(der: Uint8Array): pkijs.CRLDistributionPoints | undefined {
  const distributionPoints = every(sequenceItems(der), (p) => {
    const [name, ...more] = (p.tag === 0x30 && inside(der, p)) || [];
    if (name?.tag !== 0xa0 || more.length > 0) return undefined;
    const [full, ...other] = inside(der, name) ?? [];
    if (full?.tag !== 0xa0 || other.length > 0) return undefined;
    const names = uris(der, inside(der, full));
    return names && new pkijs.DistributionPoint({ distributionPoint: names });
  });
  return distributionPoints && new pkijs.CRLDistributionPoints({ distributionPoints });
}

/** SEQUENCE OF AccessDescription { accessMethod OID, accessLocation URI }. */
function infoAccess(der: Uint8Array): pkijs.InfoAccess | undefined {
  const accessDescriptions = every(sequenceItems(der), (d) => {
    const parts = d.tag === 0x30 ? inside(der, d) : null;
    if (parts?.length !== 2) return undefined;
    const [method, location] = parts as [Tlv, Tlv];
    const accessMethod = oidText(der, method);
    const accessLocation = uris(der, [location])?.[0];
    if (accessMethod === undefined || !accessLocation) return undefined;
    return new pkijs.AccessDescription({ accessMethod, accessLocation });
  });
  return accessDescriptions && new pkijs.InfoAccess({ accessDescriptions });
}

/** SEQUENCE OF PolicyInformation { policyIdentifier } without qualifiers (those are left to pkijs). */
function certificatePolicies(der: Uint8Array): pkijs.CertificatePolicies | undefined {
  const certificatePolicies = every(sequenceItems(der), (p) => {
    const parts = p.tag === 0x30 ? inside(der, p) : null;
    return parts?.length === 1 ? oids(der, parts)?.[0] : undefined;
  })?.map((policyIdentifier) => new pkijs.PolicyInformation({ policyIdentifier }));
  return certificatePolicies && new pkijs.CertificatePolicies({ certificatePolicies });
}
