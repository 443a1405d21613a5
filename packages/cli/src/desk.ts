/**
 * The certification desk's configuration for `kyso certify` and `kyso certify-paper`: which authority books (its
 * unit code), the certifier's default title, the seal's printed size and the RSA scheme. Each comes from its flag,
 * else an environment variable set once on the desk's machine, else a stated default.
 *
 * The authority is its unit code, never the seal certificate's organisation name: a commune merger or a new seal
 * must not start a second book (Decree 23/2015 Art. 13: one sequence per authority and year).
 */
import type { Authority, CertificationRegister } from '@kyso/core';
import { UsageError } from './usage.js';

export const DESK_ENV = {
  authorityId: 'KYSO_AUTHORITY_ID',
  certifierTitle: 'KYSO_CERTIFIER_TITLE',
  sealSizeMm: 'KYSO_SEAL_SIZE_MM',
  rsaScheme: 'KYSO_RSA_SCHEME',
} as const;

const env = (name: string): string | undefined => {
  const v = process.env[name]?.trim();
  return v ? v : undefined;
};

/**
 * The authority's id in the register: `--authority-id`, else KYSO_AUTHORITY_ID, else the register's only authority.
 * Registered on first use under `--authority-name` (else the seal's organisation name, when a seal is given); a
 * later `--authority-name` renames it (the mark and statement print the register's name), the numbering goes on.
 */
export async function deskAuthority(
  register: CertificationRegister,
  o: { id?: string; name?: string; sealName?: string; electronicBook?: string },
): Promise<Authority> {
  let id = o.id ?? env(DESK_ENV.authorityId);
  if (id === undefined) {
    const known = await register.listAuthorities();
    const [only] = known;
    if (!only || known.length !== 1) {
      throw new UsageError(
        `--authority-id CODE (the unit code that numbers the book) is required${known.length ? `: this register keeps ${known.map((a) => a.id).join(', ')}` : ''}; or set ${DESK_ENV.authorityId}`,
        'Cần mã đơn vị của cơ quan chứng thực (--authority-id); tên tổ chức trong chứng thư số con dấu không dùng để định danh sổ.',
      );
    }
    id = only.id;
  }
  // eslint-disable-next-line no-control-regex
  if (id.length > 200 || /[\u0000-\u001f\u007f]/.test(id))
    throw new UsageError('--authority-id must be at most 200 characters, no control characters');
  const existing = await register.getAuthority(id);
  if (existing && (o.name === undefined || o.name === existing.name)) return existing;
  const name = o.name ?? o.sealName;
  if (!name)
    throw new UsageError(
      `authority '${id}' is not in this register yet: give --authority-name NAME`,
      'Cơ quan chưa có trong sổ: cần --authority-name.',
    );
  return register.upsertAuthority({
    id,
    name,
    ...(existing
      ? { bookTypes: existing.bookTypes, electronicBookType: existing.electronicBookType }
      : { electronicBookType: o.electronicBook ?? null }),
  });
}

/** The certifier's title: `--certifier-title`, else KYSO_CERTIFIER_TITLE; else the library's default by basis. */
export function deskCertifierTitle(flag: string | undefined): string | undefined {
  return flag ?? env(DESK_ENV.certifierTitle);
}

/** `--seal-size-mm`, else KYSO_SEAL_SIZE_MM; undefined: the library's default (SEAL_SIZE_MM). */
export function deskSealSizeMm(flag: string | undefined): number | undefined {
  const v = flag ?? env(DESK_ENV.sealSizeMm);
  if (v === undefined) return undefined;
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(v) || Number(v) < 10 || Number(v) > 80)
    throw new UsageError('--seal-size-mm must be a size in millimetres between 10 and 80');
  return Number(v);
}

/**
 * `--rsa-scheme rsa-pkcs1|rsa-pss` (or `--pss`), else KYSO_RSA_SCHEME, else PKCS#1 v1.5: Circular 15/2025 Annex I
 * names RSASSA-PSS, but Vietnamese tokens and most validators still make and expect v1.5 (DOMAIN.md §10.4), and
 * kyso's verifier accepts both.
 */
export function deskRsaScheme(flag: string | undefined, pss: boolean | undefined): 'rsa-pkcs1' | 'rsa-pss' {
  if (pss && flag !== undefined && flag !== 'rsa-pss')
    throw new UsageError('--pss and --rsa-scheme rsa-pkcs1 contradict each other');
  const v = pss ? 'rsa-pss' : (flag ?? env(DESK_ENV.rsaScheme) ?? 'rsa-pkcs1');
  if (v !== 'rsa-pkcs1' && v !== 'rsa-pss') throw new UsageError('--rsa-scheme must be rsa-pkcs1 or rsa-pss');
  return v;
}
