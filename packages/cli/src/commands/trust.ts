/**
 * `kyso trust list [--json] [--all] [--lang vi|en] [--trust-profile vn|vn-all|none] [--trust FILE] [--trust-dir DIR]`:
 * what `kyso verify` with the same options trusts — each anchor with its SHA-256 fingerprint, validity and origin
 * (bundled with kyso, and whether corroborated; or the operator's file); `--all` adds the intermediate and TSA
 * certificates offered for path building (never trusted).
 */
import type { TrustedCertificate } from '@kyso/verify';
import { commandHelp } from '../help.js';
import { parseCommandArgs, UsageError } from '../usage.js';
import { originText, selectTrust, trustSummary } from '../trust-sources.js';
import { TRUST_OPTIONS } from '../trust-options.js';

function when(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function certificateJson(c: TrustedCertificate) {
  return {
    subject: c.subject,
    issuer: c.issuer,
    sha256: c.sha256,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    origin: c.origin,
  };
}

function certificateText(c: TrustedCertificate, lang: 'vi' | 'en', now: Date): string[] {
  const state =
    c.notAfter < now
      ? lang === 'vi'
        ? ' — ĐÃ HẾT HẠN'
        : ' — EXPIRED'
      : c.notBefore > now
        ? lang === 'vi'
          ? ' — CHƯA CÓ HIỆU LỰC'
          : ' — NOT YET VALID'
        : '';
  return [
    `  ${c.subject}`,
    `    SHA-256: ${c.sha256}`,
    `    ${lang === 'vi' ? 'Hiệu lực' : 'Valid'}: ${when(c.notBefore)} → ${when(c.notAfter)}${state}`,
    `    ${lang === 'vi' ? 'Nguồn' : 'Origin'}: ${originText(c, lang)}`,
  ];
}

export function trust(argv: string[], out: (s: string) => void): number {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === 'help') {
    out(commandHelp('trust'));
    return 0;
  }
  if (sub !== 'list') throw new UsageError(`unknown trust command '${sub}' (kyso trust list)`);
  const { values, positionals } = parseCommandArgs('trust list', {
    args: rest,
    options: {
      ...TRUST_OPTIONS,
      profile: { type: 'string' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      lang: { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length > 0)
    throw new UsageError(`trust list takes no file (got '${positionals[0]}'); use --trust or --trust-dir`);
  if (values.profile !== undefined && values['trust-profile'] !== undefined)
    throw new UsageError('--profile and --trust-profile are the same option: give one');
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
  lines.push(
    '',
    lang === 'vi' ? `Chứng thư số gốc được tin cậy (${anchors.length}):` : `Trusted roots (${anchors.length}):`,
  );
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
