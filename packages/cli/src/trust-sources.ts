/**
 * What `kyso verify` and `kyso trust list` trust: the bundled profile (`vn` by default; `--trust-profile vn-all`;
 * none with `--no-default-trust` or `--trust-profile none`), plus roots the operator gives (`--trust FILE`, a PEM
 * bundle or DER; `--trust-dir DIR`, every .pem/.crt/.cer/.der file in it), plus `--intermediate FILE` offered for
 * path building only. Replacing the bundled list is `--no-default-trust` with the operator's files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  customTrustProfile,
  isTrustProfileName,
  summariseCertificate,
  trustProfile,
  TrustProfileError,
  TRUST_PROFILE_NAMES,
  type CertificateSummary,
  type TrustedCertificate,
  type TrustProfile,
  type TrustProfileName,
} from '@kyso/verify';
import { UsageError } from './usage.js';

export interface TrustValues {
  trust?: string[];
  'trust-dir'?: string[];
  'trust-profile'?: string;
  'no-default-trust'?: boolean;
  intermediate?: string[];
}

export interface TrustSelection {
  /** Everything trusted and offered, as one profile (the bundled one itself when nothing was added). */
  profile: TrustProfile;
  /** The bundled profile used, or null with --no-default-trust. */
  bundled: TrustProfileName | null;
  /** The operator's files, in order, with how many anchors / extra certificates each gave. */
  given: { source: string; option: '--trust' | '--trust-dir' | '--intermediate'; certificates: number }[];
}

export const DEFAULT_TRUST_PROFILE: TrustProfileName = 'vn';
const CERT_FILE = /\.(pem|crt|cer|der)$/i;

function readCertFile(path: string, option: string): Uint8Array {
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new UsageError(`cannot read ${option} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function filesOf(dir: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`--trust-dir ${dir} is not a folder`);
    names = readdirSync(dir);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(
      `cannot read --trust-dir ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const files = names
    .filter((n) => CERT_FILE.test(n))
    .sort()
    .map((n) => join(dir, n));
  // An operator who names a folder means to trust something: an empty one is a mistake, not "nothing".
  if (files.length === 0) throw new UsageError(`--trust-dir ${dir} holds no .pem, .crt, .cer or .der file`);
  return files;
}

export function selectTrust(values: TrustValues): TrustSelection {
  const named = values['trust-profile'];
  if (named !== undefined && named !== 'none' && !isTrustProfileName(named)) {
    throw new UsageError(`--trust-profile is ${[...TRUST_PROFILE_NAMES, 'none'].join(', ')}; got '${named}'`);
  }
  if (values['no-default-trust'] && named !== undefined && named !== 'none')
    throw new UsageError('--no-default-trust and --trust-profile cannot be used together');
  const bundled: TrustProfileName | null =
    values['no-default-trust'] || named === 'none'
      ? null
      : ((named as TrustProfileName | undefined) ?? DEFAULT_TRUST_PROFILE);

  const anchorFiles = [
    ...(values.trust ?? []).map((p) => ({ source: p, option: '--trust' as const })),
    ...(values['trust-dir'] ?? []).flatMap((d) =>
      filesOf(d).map((p) => ({ source: p, option: '--trust-dir' as const })),
    ),
  ];
  const extraFiles = (values.intermediate ?? []).map((p) => ({ source: p, option: '--intermediate' as const }));
  const base = bundled ? trustProfile(bundled) : undefined;
  if (anchorFiles.length === 0 && extraFiles.length === 0 && base) return { profile: base, bundled, given: [] };

  const read = (list: { source: string; option: string }[]) =>
    list.map(({ source, option }) => ({ source, certificates: readCertFile(source, option) }));
  const optionOf = (source: string) =>
    [...anchorFiles, ...extraFiles].find((f) => f.source === source)?.option ?? '--trust';
  const anchors = read(anchorFiles);
  const extraCertificates = read(extraFiles);
  const name = [bundled, anchors.length ? 'given' : null].filter(Boolean).join('+') || 'none';
  let profile: TrustProfile;
  try {
    profile = customTrustProfile({ name, base, anchors, extraCertificates, description: base?.description });
  } catch (e) {
    if (e instanceof TrustProfileError && typeof e.details.source === 'string') {
      throw new UsageError(`${optionOf(e.details.source)} ${e.details.source}: not a certificate (PEM or DER)`);
    }
    throw e;
  }
  // How many certificates each file gave, for the report's "where the trust came from".
  const count = (list: readonly TrustedCertificate[], source: string) =>
    list.filter((c) => c.origin.kind === 'given' && c.origin.source === source).length;
  const given = [
    ...anchorFiles.map((f) => ({ ...f, certificates: count(profile.anchors, f.source) })),
    ...extraFiles.map((f) => ({ ...f, certificates: count(profile.extraCertificates, f.source) })),
  ];
  return { profile, bundled, given };
}

/** Where a certificate comes from, for people. */
export function originText(c: TrustedCertificate, lang: 'vi' | 'en'): string {
  const o = c.origin;
  if (o.kind === 'given') return lang === 'vi' ? `tệp ${o.source}` : `file ${o.source}`;
  const where = `trust-data/${o.dataSet}/${o.file}`;
  if (o.role !== 'root') return lang === 'vi' ? `tích hợp sẵn trong kyso (${where})` : `bundled with kyso (${where})`;
  return lang === 'vi'
    ? `tích hợp sẵn trong kyso (${where}); ${o.corroborated ? `đã đối chiếu trùng khớp ở ${o.independentCopies} bản sao công khai độc lập` : `CHƯA đối chiếu (${o.independentCopies} bản sao công khai)`}`
    : `bundled with kyso (${where}); ${o.corroborated ? `found byte-identical in ${o.independentCopies} independent public copies` : `NOT corroborated (${o.independentCopies} public copy)`}`;
}

/** One line saying what the validation trusted. */
export function trustSummary(sel: TrustSelection, lang: 'vi' | 'en'): string {
  const parts: string[] = [];
  if (sel.bundled) {
    const p = trustProfile(sel.bundled);
    parts.push(
      lang === 'vi'
        ? `hồ sơ tích hợp "${sel.bundled}" (${p.anchors.length} chứng thư số gốc; ${p.extraCertificates.length} chứng thư trung gian/TSA chỉ dùng để dựng đường dẫn)`
        : `bundled profile "${sel.bundled}" (${p.anchors.length} roots; ${p.extraCertificates.length} intermediate/TSA certificates for path building only)`,
    );
  }
  for (const g of sel.given) {
    const kind =
      g.option === '--intermediate'
        ? lang === 'vi'
          ? 'chứng thư trung gian'
          : 'intermediate'
        : lang === 'vi'
          ? 'chứng thư số gốc'
          : g.certificates === 1
            ? 'root'
            : 'roots';
    parts.push(
      lang === 'vi'
        ? `tệp ${g.source} (${g.certificates} ${kind}, ${g.option})`
        : `file ${g.source} (${g.certificates} ${kind}, ${g.option})`,
    );
  }
  if (parts.length === 0)
    return lang === 'vi'
      ? 'Nguồn tin cậy: không có (--no-default-trust): không chữ ký nào có thể được xác nhận hợp lệ.'
      : 'Trust: none (--no-default-trust): no signature can be confirmed valid.';
  return `${lang === 'vi' ? 'Nguồn tin cậy' : 'Trust'}: ${parts.join('; ')}`;
}

/** The anchor of a path (its last certificate's summary), found among the selection's anchors. */
export function anchorFor(sel: TrustSelection, last: CertificateSummary | undefined): TrustedCertificate | undefined {
  if (!last) return undefined;
  const notBefore = Date.parse(last.notBefore);
  const notAfter = Date.parse(last.notAfter);
  return sel.profile.anchors.find((a) => {
    // The validity period first, from the facts the profile already has: a bundled anchor's certificate is parsed
    // only when first asked for (tens of milliseconds for every root of the profile, at each call).
    if (a.notBefore.getTime() !== notBefore || a.notAfter.getTime() !== notAfter) return false;
    const s = summariseCertificate(a.certificate);
    return s.serialNumber === last.serialNumber && s.text === last.text && s.issuer.text === last.issuer.text;
  });
}
