/**
 * `kyso certify-paper --db FILE --certifier NAME --original NAME --pages N --copies N [--card] [--original ...]`:
 * paper copies only (Decree 23/2015 Art. 20; no e-copy, nothing signed here: the certifier signs and seals the paper).
 * Each original gets its own number in the same book sequence as `kyso certify`; the fee is collected once for the
 * request. Idempotent by key like `kyso certify`.
 *
 * Each `--original NAME` opens an original; the `--pages`, `--copies` and `--card` after it belong to it.
 */
import { randomUUID } from 'node:crypto';
import {
  certifyPaperCopies,
  formatVnd,
  type CertificationRequestRecord,
  type Certifier,
  type CertifyPaperCopiesInput,
} from '@kyso/core';
import { openRegisterAt } from '../register-location.js';
import { deskAuthority, deskCertifierTitle } from '../desk.js';
import { parseCommandArgs, UsageError } from '../usage.js';

const BASES = new Set(['own-competence', 'authorised', 'assigned']);
type Original = CertifyPaperCopiesInput['originals'][number];

export async function certifyPaper(
  argv: string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const { values, positionals, tokens } = parseCommandArgs('certify-paper', {
    args: argv,
    allowPositionals: true,
    tokens: true,
    options: {
      db: { type: 'string' },
      original: { type: 'string', multiple: true },
      pages: { type: 'string', multiple: true },
      copies: { type: 'string', multiple: true },
      card: { type: 'boolean', multiple: true },
      certifier: { type: 'string' },
      'certifier-title': { type: 'string' },
      'certifier-basis': { type: 'string' },
      'basis-ref': { type: 'string' },
      requester: { type: 'string' },
      'authority-id': { type: 'string' },
      'authority-name': { type: 'string' },
      book: { type: 'string' },
      'idempotency-key': { type: 'string' },
      'fee-receipt': { type: 'string' },
      note: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length) throw new UsageError(`certify-paper takes no positional arguments (got '${positionals[0]}')`);
  if (!values.db) throw new UsageError('--db FILE|postgres://… (the certification register) is required');
  if (!values.certifier?.trim()) throw new UsageError('--certifier NAME (who signs the paper copies) is required');
  const originals = originalsInOrder(tokens, values.book, values.note);
  if (!originals.length) throw new UsageError('give each original with --original NAME --pages N --copies N');
  const basis = values['certifier-basis'] ?? 'own-competence';
  if (!BASES.has(basis)) throw new UsageError('--certifier-basis must be own-competence, authorised or assigned');
  const title = deskCertifierTitle(values['certifier-title']);
  const certifier: Certifier = {
    name: values.certifier.trim(),
    ...(title ? { title } : {}),
    basis: basis as Certifier['basis'],
    ...(values['basis-ref'] ? { basisReference: values['basis-ref'] } : {}),
  };
  const key = values['idempotency-key'] ?? randomUUID();

  const register = await openRegisterAt(values.db);
  try {
    const authority = await deskAuthority(register, { id: values['authority-id'], name: values['authority-name'] });
    // Printed before booking, so a run that dies can be repeated with the same key (same numbers).
    if (!values['idempotency-key']) err(`kyso: mã yêu cầu / idempotency key: ${key}`);
    const { request, resumed } = await certifyPaperCopies({
      register,
      idempotencyKey: key,
      authority: authority.id,
      certifier,
      requester: { name: values.requester ?? '(không ghi tên)' },
      originals,
      feeReceiptNo: values['fee-receipt'],
    });
    out(values.json ? JSON.stringify(report(request, key, resumed), null, 2) : human(request, authority.name));
    return 0;
  } finally {
    await register.close();
  }
}

/** `--original NAME` opens an original; `--pages`, `--copies`, `--card` set the one opened last. */
function originalsInOrder(
  tokens: readonly { kind: string; name?: string; value?: string }[],
  bookType: string | undefined,
  notes: string | undefined,
): Original[] {
  const out: (Original & { seen: Set<string> })[] = [];
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (t.name === 'original') {
      const name = (t.value ?? '').trim();
      if (!name) throw new UsageError('--original needs the document name');
      out.push({
        documentName: name,
        paperCopies: 1,
        ...(bookType ? { bookType } : {}),
        ...(notes ? { notes } : {}),
        seen: new Set(),
      });
      continue;
    }
    if (t.name !== 'pages' && t.name !== 'copies' && t.name !== 'card') continue;
    const current = out.at(-1);
    if (!current) throw new UsageError(`--${t.name} belongs to an original: give --original NAME before it`);
    if (current.seen.has(t.name)) throw new UsageError(`--${t.name} given twice for '${current.documentName}'`);
    current.seen.add(t.name);
    if (t.name === 'card') current.doubleSidedCard = true;
    else if (t.name === 'pages') current.pages = whole(t.value, '--pages', 1);
    else current.paperCopies = whole(t.value, '--copies', 1);
  }
  return out.map(({ seen, ...o }) => {
    if (o.pages === undefined && !o.doubleSidedCard)
      throw new UsageError(`'${o.documentName}': give --pages N (or --card)`);
    return o;
  });
}

function whole(s: string | undefined, flag: string, min: number): number {
  if (!/^\d{1,9}$/.test(s ?? '') || Number(s) < min)
    throw new UsageError(`${flag} must be a whole number, ${min} or more (got '${s ?? ''}')`);
  return Number(s);
}

function report(r: CertificationRequestRecord, key: string, resumed: boolean) {
  return {
    idempotencyKey: key,
    requestId: r.id,
    state: r.state,
    resumed,
    authority: r.authorityId,
    certifier: r.certifier,
    requester: r.requester.name,
    fee: r.fee,
    entries: r.entries.map((e) => ({
      number: e.seqNo,
      certificationNumber: e.certificationNumber,
      book: e.bookType,
      year: e.year,
      volume: e.volume,
      certifiedAt: e.certifiedAt,
      document: e.documentName,
      pages: e.originalPages,
      paperCopies: e.paperCopies,
      fee: e.fee,
    })),
  };
}

function human(r: CertificationRequestRecord, authorityName: string): string {
  return [
    `Đã vào sổ chứng thực bản sao giấy / Paper copies certified — ${authorityName}`,
    ...r.entries.map(
      (e) =>
        `  Số chứng thực / Number: ${e.certificationNumber} — ${e.documentName}, ${e.originalPages} trang / pages × ${e.paperCopies} bản / copies`,
    ),
    `  Người chứng thực / Certifier: ${r.certifier.name}${r.certifier.title ? `, ${r.certifier.title}` : ''}`,
    `  Phí / Fee: ${formatVnd(r.fee?.total ?? 0)}`,
  ].join('\n');
}
