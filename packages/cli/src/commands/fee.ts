/** `kyso fee --pages N [--copies N] [--electronic] [--json]`: the certification fee (Circular 226/2016/TT-BTC Art. 4) with its line items. */
import { computeFee, formatVnd, type FeeQuote, type OriginalForFee, type ServiceForFee } from '@kyso/core';
import { parseCommandArgs, UsageError } from '../usage.js';

const SERVICES = new Set(['SIGNATURE', 'CONTRACT', 'CONTRACT_AMENDMENT', 'CONTRACT_CORRECTION']);

export function fee(argv: string[], out: (s: string) => void): number {
  const { values, positionals, tokens } = parseCommandArgs('fee', {
    args: argv,
    allowPositionals: true,
    tokens: true,
    options: {
      pages: { type: 'string', multiple: true },
      copies: { type: 'string', multiple: true },
      electronic: { type: 'boolean' },
      card: { type: 'boolean' },
      'contract-copy': { type: 'boolean' },
      service: { type: 'string', multiple: true },
      'charge-parallel-ecopy': { type: 'boolean' },
      date: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length) throw new UsageError(`fee takes no positional arguments (got '${positionals[0]}')`);
  const pages = originalsInOrder(tokens);
  const copies = (values.copies ?? []).map((c) => integer(c, '--copies'));
  if (copies.length > 1 && copies.length !== pages.length)
    throw new UsageError('give --copies once, or once per --pages');
  if (copies.length && !pages.length) throw new UsageError('--copies needs --pages N');
  const defaultCopies = values.electronic ? 0 : 1;
  const originals: OriginalForFee[] = pages.map((p, i) => ({
    ...(p.card ? { doubleSidedCard: true } : {}),
    ...(p.pages !== undefined ? { pages: p.pages } : {}),
    paperCopies: copies[copies.length === 1 ? 0 : i] ?? defaultCopies, // none, one for all, or one per --pages
    electronicCopy: values.electronic === true,
    item: values['contract-copy'] ? 'CONTRACT_COPY' : 'COPY_FROM_ORIGINAL',
  }));
  const services: ServiceForFee[] = (values.service ?? []).map((s) => {
    const [item = '', count] = s.split(':');
    if (!SERVICES.has(item)) throw new UsageError(`--service must be one of ${[...SERVICES].join(', ')}`);
    return { item: item as ServiceForFee['item'], count: count === undefined ? 1 : integer(count, '--service count') };
  });
  if (!originals.length && !services.length) throw new UsageError('fee needs --pages N (or --service ITEM)');
  let at: Date | undefined;
  if (values.date !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.date)) throw new UsageError('--date must be YYYY-MM-DD');
    at = new Date(`${values.date}T12:00:00+07:00`);
    if (Number.isNaN(at.getTime())) throw new UsageError('--date must be a valid date');
  }
  const quote = computeFee(
    { originals, services, at },
    { electronicCopyFreeWhenParallel: !values['charge-parallel-ecopy'] },
  );
  out(values.json ? JSON.stringify(quote, null, 2) : human(quote));
  return 0;
}

/**
 * The originals in the order given: each `--pages N` opens one; `--card` marks the original whose `--pages` came
 * last, or, before any `--pages`, is an original of its own (a card, one page), so the flag belongs to one original.
 */
function originalsInOrder(
  tokens: readonly { kind: string; name?: string; value?: string }[],
): { pages?: number; card: boolean }[] {
  const out: { pages?: number; card: boolean }[] = [];
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (t.name === 'pages') out.push({ pages: integer(t.value ?? '', '--pages'), card: false });
    else if (t.name === 'card') {
      const current = out.at(-1);
      if (current) current.card = true;
      else out.push({ card: true });
    }
  }
  return out;
}

/** Digits only: "2.5", "1e3" and "" are usage errors; the library judges the value (0 pages is its typed error). */
function integer(s: string, flag: string): number {
  if (!/^-?\d{1,15}$/.test(s.trim())) throw new UsageError(`${flag} must be a whole number (got '${s}')`);
  return Number(s);
}

function human(q: FeeQuote): string {
  const lines = [`Phí chứng thực / Certification fee — ${q.tariff.legalBasis} (${q.date})`];
  for (const l of q.lines) {
    const amount = l.waiver
      ? `${formatVnd(0)} (đã thu một lần / collected once)`
      : `${l.quantity} × ${formatVnd(l.unitAmount)} = ${formatVnd(l.amount)}${l.capped ? ' (mức tối đa / capped)' : ''}`;
    lines.push(`  ${l.descriptionVi}`, `    ${l.descriptionEn}`, `    ${amount}   [${l.legalBasis}]`);
  }
  lines.push(`Tổng cộng / Total: ${formatVnd(q.total)}`);
  return lines.join('\n');
}
