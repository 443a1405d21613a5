/**
 * The report as HTML: one card per signature with the fields of Circular 15/2025 Art. 6 (DOMAIN.md §10.2 V11).
 * Names and reasons come from the file being checked, so everything is written as text nodes, never as markup.
 * A citizen reads plain words; the codes (indication, findings, the changes' kinds) and their technical facts stay
 * in each card's closed "technical details" section, for whoever must look further.
 */
import {
  INDICATION_LABELS,
  conclusionOf,
  placeText,
  revocationText,
  validityText,
  vietnamTime,
  type SignatureReport,
  type ValidationReport,
} from '@kyso/verify';
import { COVERAGE, TEXT, type Language, type TextKey } from './text.js';

type Child = Node | string | null | undefined | false;

export function el(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c) node.append(c);
  return node;
}

/** The verdict's colour class: green, red or amber (the text says it too, colour is never the only signal). */
export function verdictClass(indication: SignatureReport['indication']): string {
  return indication === 'TOTAL-PASSED' ? 'passed' : indication === 'TOTAL-FAILED' ? 'failed' : 'indeterminate';
}

function who(name: { commonName: string | null; organization: string | null; subject: string } | null): string {
  if (!name) return '—';
  const parts = [name.commonName, name.organization].filter((x): x is string => !!x);
  return parts.length ? parts.join(', ') : name.subject;
}

/** Where the page's trust in a root comes from, by the root's name (null when it is none the page knows). */
export type AnchorOrigin = (rootName: string) => string | null;

function signatureCard(s: SignatureReport, lang: Language, id: string, anchorOrigin: AnchorOrigin): HTMLElement {
  const t = (k: TextKey): string => TEXT[k][lang];
  const heading =
    s.kind === 'doc-timestamp' ? t('timestamp') : s.kind === 'certification' ? t('certification') : t('signature');
  const cls = verdictClass(s.indication);
  const code = s.subIndication ? `${s.indication} / ${s.subIndication}` : s.indication;

  const rows: [string, string, string][] = [];
  const row = (key: string, label: TextKey, value: string): void => void rows.push([key, t(label), value]);
  if (s.kind !== 'doc-timestamp' || s.signer) {
    row('signer', 'signer', s.signer ? [who(s.signer), s.signer.organizationalUnit].filter(Boolean).join(' — ') : '—');
  }
  row('issuer', 'issuer', who(s.signer?.issuer ?? null));
  const root = s.trustedChain ? s.chain.at(-1) : undefined;
  const origin = root ? anchorOrigin(root) : null;
  row('anchor', 'anchor', root ? (origin ? `${root} — ${origin}` : root) : t('noAnchor'));
  row(
    'signing-time',
    'signingTime',
    s.signingTime
      ? `${vietnamTime(s.signingTime)} — ${s.signingTimeSource === 'timestamp' ? t('byTimestamp') : t('claimed')}`
      : '—',
  );
  row(
    'integrity',
    'integrity',
    (s.intact ? t('intact') : t('notIntact')) +
      (s.modifications === 'ALLOWED'
        ? `; ${t('modifiedAllowed')}`
        : s.modifications === 'DISALLOWED'
          ? `; ${t('modifiedDisallowed')}`
          : ''),
  );
  row('coverage', 'coverage', COVERAGE[s.coverage]?.[lang] ?? s.coverage);
  // What is known, as the text report says it: never "còn hiệu lực" (still valid) when revocation was not checked.
  const v = s.certificateValidity;
  row(
    'valid-at-signing',
    'validAtSigning',
    validityText(s.signingTimeSource === 'timestamp' ? v.atBestSignatureTime : v.atClaimedTime, lang),
  );
  if (s.bestSignatureTime.source === 'validation-time')
    row('valid-at-validation', 'validAtBest', validityText(v.atBestSignatureTime, lang));
  row('revocation', 'revocation', revocationText(s, lang));
  row(
    'period',
    'period',
    s.signer ? `${t('from')} ${vietnamTime(s.signer.validFrom)} ${t('to')} ${vietnamTime(s.signer.validTo)}` : '—',
  );
  row('level', 'level', s.level ? `PAdES ${s.level}` : '—');
  if (s.reason) row('reason', 'reason', s.reason);
  if (s.location) row('location', 'location', s.location);
  if (s.timestamps.length) {
    row(
      'timestamps',
      'timestamps',
      s.timestamps
        .map((ts) => `${vietnamTime(ts.time)} (${ts.tsa ?? '—'}, ${ts.trusted ? t('tsTrusted') : t('tsUntrusted')})`)
        .join('; '),
    );
  }

  const list = el('dl');
  for (const [key, label, value] of rows)
    list.append(el('div', { 'data-field': key }, el('dt', {}, label), el('dd', {}, value)));

  // The plain sentence only; its code and facts (which may name codes such as NO_REVOCATION_DATA_OFFLINE) go below.
  const findings = (label: TextKey, items: SignatureReport['reasons'], key: string): HTMLElement | null =>
    items.length
      ? el(
          'section',
          { class: `findings ${key}`, 'data-field': key },
          el('h4', {}, t(label)),
          el('ul', {}, ...items.map((f) => el('li', {}, f[lang]))),
        )
      : null;
  // A passed signature's reasons only restate the verdict; the other verdicts need them explained.
  const reasons = s.indication === 'TOTAL-PASSED' ? [] : s.reasons;
  const changes = s.changes.length
    ? el(
        'div',
        { class: 'changes', 'data-field': 'changes' },
        el('h5', {}, `${t('changes')} (${s.changes.length})`),
        el(
          'ul',
          {},
          ...s.changes.map((c) =>
            el(
              'li',
              {},
              `${t('revision')} ${c.revision + 1}: ${c.kind} — ${c.allowed ? t('allowed') : t('disallowed')} (${c.reason})`,
            ),
          ),
        ),
      )
    : null;
  const coded = [...reasons, ...s.warnings, ...s.notes];
  const technical = el(
    'details',
    { class: 'technical', 'data-field': 'technical' },
    el('summary', {}, t('technical')),
    el('p', { class: 'code', 'data-field': 'indication-code' }, `${t('resultCode')}: ${code}`),
    coded.length
      ? el(
          'ul',
          { class: 'codes' },
          ...coded.map((f) =>
            el(
              'li',
              { 'data-code': f.code },
              el('code', {}, f.code),
              f.detail ? ` — ${f.detail}` : '',
              f.where ? ` (${placeText(f.where, lang)})` : '',
            ),
          ),
        )
      : null,
    s.subFilter ? el('p', {}, `SubFilter: ${s.subFilter}`) : null,
    changes,
  );

  return el(
    'article',
    { class: `signature ${cls}`, 'aria-labelledby': id, 'data-indication': s.indication },
    el(
      'h3',
      { id },
      `${heading} ${s.index + 1}`,
      s.fieldName ? el('span', { class: 'field' }, ` — ${t('field')}: ${s.fieldName}`) : null,
    ),
    el('p', { class: `verdict ${cls}` }, el('strong', {}, INDICATION_LABELS[s.indication][lang])),
    list,
    findings('reasons', reasons, 'reasons'),
    findings('warnings', s.warnings, 'warnings'),
    technical,
  );
}

/** The whole report for one file: a summary line, then the cards in the order the signatures were applied. */
export function renderReport(
  report: ValidationReport,
  fileName: string,
  lang: Language,
  anchorOrigin: AnchorOrigin = () => null,
): HTMLElement[] {
  const t = (k: TextKey): string => TEXT[k][lang];
  const out: HTMLElement[] = [
    el('h2', { id: 'report-title' }, t('reportTitle')),
    el(
      'p',
      { class: 'summary' },
      `${t('file')}: `,
      el('span', { class: 'file-name' }, fileName),
      ` · ${t('validatedAt')}: ${vietnamTime(report.validationTime)} · ${t('count')}: ${report.signatures.length}`,
    ),
  ];
  if (report.recovered) out.push(el('p', { class: 'notice', role: 'note' }, t('recovered')));
  if (report.signatures.length === 0) out.push(el('p', { class: 'none' }, t('none')));
  report.signatures.forEach((s, k) => out.push(signatureCard(s, lang, `sig-${k + 1}-title`, anchorOrigin)));
  out.push(el('p', { class: 'conclusion', 'data-field': 'conclusion' }, conclusionOf(report.signatures)[lang]));
  return out;
}
