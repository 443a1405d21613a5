/**
 * Trust profiles: named sets of trust anchors plus extra certificates offered for path building (never trusted).
 * `vn` and `vn-all` are built from the bundled Vietnamese material (trust-data/vn, generated into
 * vn-data.generated.ts); `customTrustProfile` makes one from certificates the caller gives (an operator's list, a
 * test PKI). Nothing is trusted unless a profile or anchors are given: validatePdf's default stays "no anchors".
 */
import { sha256 } from '@noble/hashes/sha2';
import { KysoError } from '@kyso/pdf';
import type * as pkijs from 'pkijs';
import { toHex } from '../revocation/bytes.js';
import { authorityKeyId, certificateDer, subjectKeyId } from '../revocation/certificates.js';
import { nameText } from '../trust/names.js';
import { readCertificates } from '../validate/read-certificates.js';
import type { CertificateSource } from '../validate/options.js';
import { parseBundled, type BundledCertificateRecord } from './bundled-certificate.js';
import { VN_TRUST_DATA } from './vn-data.generated.js';

export const TRUST_PROFILE_NAMES = ['vn', 'vn-all'] as const;
export type TrustProfileName = (typeof TRUST_PROFILE_NAMES)[number];

/** Where a certificate of a profile comes from. */
export type TrustOrigin =
  | {
      kind: 'bundled';
      /** The bundled profile's data set, e.g. "vn". */
      dataSet: string;
      /** Path inside the package's trust-data/<dataSet> folder. */
      file: string;
      role: BundledCertificateRecord['role'];
      corroborated: boolean;
      independentCopies: number;
    }
  | {
      kind: 'given';
      /** What the caller named it by (a file path, "--trust", a configuration key). */
      source: string;
    };

export interface TrustedCertificate {
  /** Parsed on first use for bundled certificates (parsing all of them costs more than most validations need). */
  readonly certificate: pkijs.Certificate;
  /** "CN=…, O=…, C=VN". */
  subject: string;
  issuer: string;
  /** Subject and authority key identifiers, upper-case hex; null when the certificate has none. */
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  /** SHA-256 of the DER, upper-case hex. */
  sha256: string;
  notBefore: Date;
  notAfter: Date;
  origin: TrustOrigin;
}

export interface TrustProfile {
  name: string;
  description: { vi: string; en: string };
  /** The trust anchors. */
  anchors: readonly TrustedCertificate[];
  /** Offered to path building (intermediates, TSA certificates), never anchors. */
  extraCertificates: readonly TrustedCertificate[];
}

export const TRUST_PROFILE_MESSAGES = {
  TRUST_PROFILE_UNKNOWN: ['Không có hồ sơ tin cậy với tên này.', 'There is no trust profile of that name.'],
  TRUST_PROFILE_BAD_CERTIFICATE: [
    'Chứng thư số trong danh sách tin cậy không đọc được.',
    'A certificate of the trust list could not be read.',
  ],
} as const satisfies Record<string, readonly [string, string]>;
export type TrustProfileErrorCode = keyof typeof TRUST_PROFILE_MESSAGES;

export class TrustProfileError extends KysoError {
  declare readonly code: TrustProfileErrorCode;

  constructor(code: TrustProfileErrorCode, details: Record<string, unknown> = {}, detailEn?: string) {
    const [vi, en] = TRUST_PROFILE_MESSAGES[code];
    super(code, detailEn ? `${vi} (${detailEn})` : vi, detailEn ? `${en} (${detailEn})` : en, details);
    this.name = 'TrustProfileError';
  }
}

const DESCRIPTIONS: Record<TrustProfileName, { vi: string; en: string }> = {
  vn: {
    vi: 'Chứng thư số gốc Việt Nam tích hợp sẵn trong kyso, chỉ những gốc đã được đối chiếu trùng khớp ở ít nhất hai bản sao công khai độc lập (Root CA quốc gia, Root CA chuyên dùng Chính phủ G1/G2)',
    en: 'The Vietnamese roots bundled with kyso, only those found byte-identical in at least two independent public copies (the national root CAs, the Government specialised roots G1/G2)',
  },
  'vn-all': {
    vi: 'Mọi chứng thư số gốc Việt Nam tích hợp sẵn trong kyso, kể cả các gốc 2024–2026 chưa được đối chiếu: cần đối chiếu dấu vân tay với công bố chính thức (rootca.gov.vn, ca.gov.vn) trước khi dùng thực tế',
    en: 'Every Vietnamese root bundled with kyso, including the 2024–2026 roots not yet corroborated: confirm the fingerprints against the official publications (rootca.gov.vn, ca.gov.vn) before production use',
  },
};

function fingerprint(cert: pkijs.Certificate): string {
  return toHex(sha256(certificateDer(cert)));
}

function entry(certificate: pkijs.Certificate, origin: TrustOrigin): TrustedCertificate {
  const ski = subjectKeyId(certificate);
  const aki = authorityKeyId(certificate);
  return {
    certificate,
    subject: nameText(certificate.subject),
    issuer: nameText(certificate.issuer),
    subjectKeyId: ski ? toHex(ski) : null,
    authorityKeyId: aki ? toHex(aki) : null,
    sha256: fingerprint(certificate),
    notBefore: certificate.notBefore.value,
    notAfter: certificate.notAfter.value,
    origin,
  };
}

/** A bundled certificate: the facts from the generated module, the certificate parsed when first asked for. */
function bundledEntry(dataSet: string, r: BundledCertificateRecord): TrustedCertificate {
  let parsed: pkijs.Certificate | undefined;
  return {
    get certificate(): pkijs.Certificate {
      if (!parsed) {
        const cert = parseBundled(r);
        // The generator checked the manifest against the PEM; this checks the bytes trusted against the fingerprint shown.
        if (fingerprint(cert) !== r.sha256)
          throw new TrustProfileError(
            'TRUST_PROFILE_BAD_CERTIFICATE',
            { file: r.file },
            `${r.file}: fingerprint mismatch`,
          );
        parsed = cert;
      }
      return parsed;
    },
    subject: r.subject,
    issuer: r.issuer,
    subjectKeyId: r.subjectKeyId,
    authorityKeyId: r.authorityKeyId,
    sha256: r.sha256,
    notBefore: new Date(r.notBefore),
    notAfter: new Date(r.notAfter),
    origin: {
      kind: 'bundled',
      dataSet,
      file: r.file,
      role: r.role,
      corroborated: r.corroborated,
      independentCopies: r.independentCopies,
    },
  };
}

const cache = new Map<TrustProfileName, TrustProfile>();

export function isTrustProfileName(name: string): name is TrustProfileName {
  return (TRUST_PROFILE_NAMES as readonly string[]).includes(name);
}

/**
 * A bundled profile: `vn` trusts the Vietnamese roots marked corroborated in the manifest, `vn-all` every bundled
 * root (to be confirmed against rootca.gov.vn / ca.gov.vn before production use). Both offer every bundled
 * intermediate and TSA certificate for path building, never as an anchor. Built once and shared, frozen so no
 * caller can add to what everyone trusts; certificates are parsed on first use.
 */
export function trustProfile(name: TrustProfileName | string): TrustProfile {
  if (!isTrustProfileName(name))
    throw new TrustProfileError(
      'TRUST_PROFILE_UNKNOWN',
      { name },
      `'${name}'; known: ${TRUST_PROFILE_NAMES.join(', ')}`,
    );
  const cached = cache.get(name);
  if (cached) return cached;
  const rows = VN_TRUST_DATA;
  const isAnchor = (r: BundledCertificateRecord) => r.role === 'root' && (name === 'vn-all' || r.corroborated);
  const frozen = (list: TrustedCertificate[]) => Object.freeze(list.map((e) => Object.freeze(e)));
  const profile: TrustProfile = Object.freeze({
    name,
    description: DESCRIPTIONS[name],
    anchors: frozen(rows.filter(isAnchor).map((r) => bundledEntry('vn', r))),
    extraCertificates: frozen(rows.filter((r) => r.role !== 'root').map((r) => bundledEntry('vn', r))),
  });
  cache.set(name, profile);
  return profile;
}

/**
 * A profile from the caller's certificates: `anchors` are trusted, `extraCertificates` only offered for path
 * building. `base` (a bundled profile) is extended, never modified. An unreadable certificate is a
 * TrustProfileError naming its source.
 */
export function customTrustProfile(options: {
  name: string;
  description?: { vi: string; en: string };
  anchors?: readonly { source: string; certificates: CertificateSource }[];
  extraCertificates?: readonly { source: string; certificates: CertificateSource }[];
  base?: TrustProfile;
}): TrustProfile {
  const read = (list: readonly { source: string; certificates: CertificateSource }[] = []) =>
    list.flatMap(({ source, certificates }) => {
      try {
        return readCertificates([certificates]).map((c) => entry(c, { kind: 'given', source }));
      } catch {
        throw new TrustProfileError('TRUST_PROFILE_BAD_CERTIFICATE', { source }, source);
      }
    });
  return {
    name: options.name,
    description: options.description ?? {
      vi: `Danh sách tin cậy "${options.name}"`,
      en: `Trust list "${options.name}"`,
    },
    anchors: [...(options.base?.anchors ?? []), ...read(options.anchors)],
    extraCertificates: [...(options.base?.extraCertificates ?? []), ...read(options.extraCertificates)],
  };
}
