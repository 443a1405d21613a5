/**
 * The certificate extensions path validation reads (RFC 5280 §4.2), each parsed once with malformed, duplicate and
 * unrecognised critical extensions noted rather than thrown.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export const EXTENSION_OIDS = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  privateKeyUsagePeriod: '2.5.29.16',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  freshestCrl: '2.5.29.46',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  subjectDirectoryAttributes: '2.5.29.9',
} as const;

/** Extensions this validator processes (or that carry no processing rule for a relying party). */
const RECOGNISED = new Set<string>(Object.values(EXTENSION_OIDS));

/** Extended key usage purposes a caller commonly checks (RFC 5280 §4.2.1.12, RFC 9336). */
export const KEY_PURPOSES = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  documentSigning: '1.3.6.1.5.5.7.3.36',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

export const KEY_USAGES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGES)[number];

export const ANY_POLICY = '2.5.29.32.0';
const AD_CA_ISSUERS = '1.3.6.1.5.5.7.48.2';

export interface CertificateExtensions {
  /** null when the extension is absent. */
  basicConstraints: { cA: boolean; pathLen?: number } | null;
  /** The usages set; null when the extension is absent (every usage allowed). */
  keyUsage: KeyUsageName[] | null;
  /** Purpose OIDs; null when the extension is absent (no restriction). */
  extendedKeyUsage: string[] | null;
  subjectAltNames: pkijs.GeneralName[];
  nameConstraints: { permitted: pkijs.GeneralSubtree[]; excluded: pkijs.GeneralSubtree[] } | null;
  /** certificatePolicies OIDs; null when the extension is absent. */
  policies: string[] | null;
  policyMappings: Array<{ issuerDomainPolicy: string; subjectDomainPolicy: string }>;
  requireExplicitPolicy?: number;
  inhibitPolicyMapping?: number;
  inhibitAnyPolicy?: number;
  /** AIA caIssuers URIs, in certificate order. */
  caIssuers: string[];
  /** OIDs of critical extensions this validator does not process. */
  unrecognisedCritical: string[];
  /** OIDs of extensions whose value could not be read. */
  malformed: string[];
  /** OIDs present more than once (RFC 5280 §4.2). */
  duplicates: string[];
}

function intValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof asn1js.Integer) return v.valueBlock.valueDec;
  return undefined;
}

function bits(bs: asn1js.BitString): KeyUsageName[] {
  const bytes = bs.valueBlock.valueHexView;
  return KEY_USAGES.filter((_, i) => ((bytes[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0);
}

const cache = new WeakMap<pkijs.Certificate, CertificateExtensions>();

/** The certificate's extensions as facts (memoised per certificate object). Never throws. */
export function readExtensions(cert: pkijs.Certificate): CertificateExtensions {
  const hit = cache.get(cert);
  if (hit) return hit;
  const x: CertificateExtensions = {
    basicConstraints: null,
    keyUsage: null,
    extendedKeyUsage: null,
    subjectAltNames: [],
    nameConstraints: null,
    policies: null,
    policyMappings: [],
    caIssuers: [],
    unrecognisedCritical: [],
    malformed: [],
    duplicates: [],
  };
  const seen = new Set<string>();
  for (const ext of cert.extensions ?? []) {
    const oid = ext.extnID;
    if (seen.has(oid)) x.duplicates.push(oid);
    seen.add(oid);
    if (ext.critical && !RECOGNISED.has(oid)) x.unrecognisedCritical.push(oid);
    if (!RECOGNISED.has(oid)) continue;
    let ok = true;
    try {
      ok = readOne(x, oid, ext.parsedValue);
    } catch {
      ok = false;
    }
    if (!ok) x.malformed.push(oid);
  }
  cache.set(cert, x);
  return x;
}

/** Fills one extension's facts; false when its value is not what RFC 5280 says it is. */
function readOne(x: CertificateExtensions, oid: string, v: unknown): boolean {
  if (v === undefined || v === null || (typeof v === 'object' && 'parsingError' in v)) return false;
  const E = EXTENSION_OIDS;
  switch (oid) {
    case E.basicConstraints: {
      if (!(v instanceof pkijs.BasicConstraints)) return false;
      const pathLen = intValue(v.pathLenConstraint);
      x.basicConstraints = { cA: v.cA === true, ...(pathLen !== undefined ? { pathLen } : {}) };
      return v.pathLenConstraint === undefined || (pathLen !== undefined && pathLen >= 0);
    }
    case E.keyUsage:
      if (!(v instanceof asn1js.BitString)) return false;
      x.keyUsage = bits(v);
      return true;
    case E.extKeyUsage:
      if (!(v instanceof pkijs.ExtKeyUsage)) return false;
      x.extendedKeyUsage = [...v.keyPurposes];
      return true;
    case E.subjectAltName:
      if (!(v instanceof pkijs.AltName)) return false;
      x.subjectAltNames = v.altNames;
      return true;
    case E.nameConstraints:
      if (!(v instanceof pkijs.NameConstraints)) return false;
      x.nameConstraints = { permitted: v.permittedSubtrees ?? [], excluded: v.excludedSubtrees ?? [] };
      return true;
    case E.certificatePolicies:
      if (!(v instanceof pkijs.CertificatePolicies)) return false;
      x.policies = v.certificatePolicies.map((p) => p.policyIdentifier);
      return true;
    case E.policyMappings:
      if (!(v instanceof pkijs.PolicyMappings)) return false;
      x.policyMappings = v.mappings.map((m) => ({
        issuerDomainPolicy: m.issuerDomainPolicy,
        subjectDomainPolicy: m.subjectDomainPolicy,
      }));
      return true;
    case E.policyConstraints:
      if (!(v instanceof pkijs.PolicyConstraints)) return false;
      if (v.requireExplicitPolicy !== undefined) x.requireExplicitPolicy = v.requireExplicitPolicy;
      if (v.inhibitPolicyMapping !== undefined) x.inhibitPolicyMapping = v.inhibitPolicyMapping;
      return true;
    case E.inhibitAnyPolicy: {
      const n = intValue(v);
      if (n === undefined || n < 0) return false;
      x.inhibitAnyPolicy = n;
      return true;
    }
    case E.authorityInfoAccess:
      if (!(v instanceof pkijs.InfoAccess)) return false;
      for (const d of v.accessDescriptions) {
        if (d.accessMethod === AD_CA_ISSUERS && d.accessLocation.type === 6)
          x.caIssuers.push(String(d.accessLocation.value));
      }
      return true;
    default:
      // Recognised, nothing a path validator reads from it (key identifiers are read by the chain builder).
      return true;
  }
}
