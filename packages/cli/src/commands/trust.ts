/**
 * `kyso trust list [--json] [--all] [--lang vi|en] [--trust-profile vn|vn-all|none] [--trust FILE] [--trust-dir DIR]`:
 * what `kyso verify` with the same options trusts — each anchor with its SHA-256 fingerprint, validity and origin
 * (bundled with kyso, and whether corroborated; or the operator's file); `--all` adds the intermediate and TSA
 * certificates offered for path building (never trusted).
 */
import { parseArgs } from 'node:util';
import type { TrustedCertificate } from '@kyso/verify';
import { UsageError } from '../usage.js';
import { originText, selectTrust, trustSummary, TRUST_OPTIONS } from '../trust-sources.js';

export const TRUST_HELP = `kyso trust list [options] — the certificates kyso verify trusts (same trust options as kyso verify)

Options:
  --trust-profile vn|vn-all|none   the bundled profile (default vn: the Vietnamese roots corroborated in at least
                                   two independent public copies; vn-all: every bundled root, to confirm against
                                   rootca.gov.vn / ca.gov.vn before production use; none: no bundled root)
  --profile NAME                   the same as --trust-profile
  --no-default-trust               no bundled profile (only the files given below)
  --trust FILE                     also trust the roots in FILE (PEM, one or more, or DER); repeatable
  --trust-dir DIR                  also trust every .pem/.crt/.cer/.der file in DIR; repeatable
  --intermediate FILE              offer FILE's certificates for path building (never trusted)
  --all                            also list the intermediate and TSA certificates offered for path building
  --json                           JSON instead of text
  --lang vi|en                     language of the text (default vi)

Replace the bundled list with your own: --no-default-trust --trust-dir DIR.`;

function when(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function certificateJson(c: TrustedCertificate) {
  return { subject: c.subject, issuer: c.issuer, sha256: c.sha256, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), origin: c.origin };
}

function certificateText(c: TrustedCertificate, lang: 'vi' | 'en', now: Date): string[] {
  const state = c.notAfter < now ? (lang === 'vi' ? ' — ĐÃ HẾT HẠN' : ' — EXPIRED') : c.notBefore > now ? (lang === 'vi' ? ' — CHƯA CÓ HIỆU LỰC' : ' — NOT YET VALID') : '';
  return [
    `  ${c.subject}`,
    `    SHA-256: ${c.sha256}`,
    `    ${lang === 'vi' ? 'Hiệu lực' : 'Valid'}: ${when(c.notBefore)} → ${when(c.notAfter)}${state}`,
    `    ${lang === 'vi' ? 'Nguồn' : 'Origin'}: ${originText(c, lang)}`,
  ];
}

export function trust(argv: string[], out: (s: string) => void): number {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    out(TRUST_HELP);
    return 0;
  }
  if (sub !== 'list') throw new UsageError(`unknown trust command '${sub}' (kyso trust list)`);
  const { values, positionals } = parseArgs({
    args: rest,
    options: { ...TRUST_OPTIONS, profile: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' }, lang: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) {
    out(TRUST_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`trust list takes no file (got '${positionals[0]}'); use --trust or --trust-dir`);
  if (values.profile !== undefined && values['trust-profile'] !== undefined) throw new UsageError('--profile and --trust-profile are the same option: give one');
  const lang = values.lang ?? 'vi';
  if (lang !== 'vi' && lang !== 'en') throw new UsageError(`--lang is vi or en, got '${lang}'`);
  const sel = selectTrust({ ...values, 'trust-profile': values['trust-profile'] ?? values.profile });
  const { anchors, extraCertificates } = sel.profile;

  if (values.json) {
    out(
      JSON.stringify(
        {
          profile: sel.bundled,
          description: sel.bundled ? sel.profile.description : null,
          given: sel.given,
          anchors: anchors.map(certificateJson),
          ...(values.all ? { extraCertificates: extraCertificates.map(certificateJson) } : {}),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const now = new Date();
  const lines = [trustSummary(sel, lang)];
  if (sel.bundled) lines.push(sel.profile.description[lang]);
  lines.push('', lang === 'vi' ? `Chứng thư số gốc được tin cậy (${anchors.length}):` : `Trusted roots (${anchors.length}):`);
  for (const c of anchors) lines.push(...certificateText(c, lang, now));
  if (values.all) {
    lines.push(
      '',
      lang === 'vi'
        ? `Chứng thư trung gian và TSA chỉ dùng để dựng đường dẫn, không được tin cậy (${extraCertificates.length}):`
        : `Intermediate and TSA certificates, for path building only, never trusted (${extraCertificates.length}):`,
    );
    for (const c of extraCertificates) lines.push(...certificateText(c, lang, now));
  }
  out(lines.join('\n'));
  return 0;
}
