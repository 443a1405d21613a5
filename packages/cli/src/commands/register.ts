/**
 * `kyso register list|show|export|print|close --db FILE ...`: reading the certification register (a SQLite file):
 * search and list its entries (a table, JSON or CSV), one entry in full, the book of a period printed as a PDF laid
 * out like the paper book, and a year's book closed with the count of numbers used (Decree 23/2015 Art. 13.1).
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import {
  DEADLINE_STATES,
  printRegisterBook,
  RegisterError,
  vietnamDayEnd,
  vietnamDayStart,
  type CertificationRegister,
  type DeadlineState,
  type DeliveryChannel,
  type EntryQuery,
  type EntryState,
  type RegisterEntry,
} from '@kyso/core';
import { openRegisterAt } from '../register-location.js';
import { parseCommandArgs, UsageError } from '../usage.js';

type Print = (s: string) => void;

/** Which register and which book: every subcommand takes them. */
const BOOK = {
  db: { type: 'string' },
  authority: { type: 'string' },
  book: { type: 'string' },
  year: { type: 'string' },
} as const;

const FILTERS = {
  ...BOOK,
  'from-number': { type: 'string' },
  'to-number': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  requester: { type: 'string' },
  state: { type: 'string' },
  channel: { type: 'string' },
  deadline: { type: 'string' },
} as const;

const STATES: readonly EntryState[] = ['pending', 'issued', 'void'];
const CHANNELS: readonly DeliveryChannel[] = ['KHO_DVCQG', 'EMAIL', 'IN_PERSON'];

export async function register(argv: string[], out: Print): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'list':
      return list(rest, out);
    case 'show':
      return show(rest, out);
    case 'export':
      return exportEntries(rest, out);
    case 'print':
      return print(rest, out);
    case 'close':
      return close(rest, out);
    default:
      throw new UsageError(
        `kyso register takes list, show, export, print or close${sub ? ` (got '${sub}')` : ''}`,
        'Lệnh kyso register cần một trong: list, show, export, print, close.',
      );
  }
}

type FilterValues = { [K in keyof typeof FILTERS]?: string };

function int(v: string | undefined, flag: string, min = 1): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v) || Number(v) < min)
    throw new UsageError(`${flag} must be a whole number from ${min}`, `Tùy chọn ${flag} phải là số nguyên từ ${min}.`);
  return Number(v);
}

function day(v: string | undefined, flag: string, end: boolean): Date | undefined {
  if (v === undefined) return undefined;
  const d = end ? vietnamDayEnd(v) : vietnamDayStart(v);
  if (!d) throw new UsageError(`${flag} must be a date YYYY-MM-DD`, `Tùy chọn ${flag} phải là ngày dạng YYYY-MM-DD.`);
  return d;
}

/** The search the filter options ask for; dates are Vietnam calendar days, --to inclusive. */
function queryOf(v: FilterValues): EntryQuery {
  const states = v.state?.split(',').map((s) => s.trim());
  if (states && !states.every((s) => STATES.includes(s as EntryState)))
    throw new UsageError(`--state must be ${STATES.join(', ')} (comma-separated)`, 'Tùy chọn --state không hợp lệ.');
  if (v.channel !== undefined && !CHANNELS.includes(v.channel as DeliveryChannel))
    throw new UsageError(`--channel must be ${CHANNELS.join(', ')}`, 'Tùy chọn --channel không hợp lệ.');
  const deadlines = v.deadline?.split(',').map((s) => s.trim());
  if (deadlines && !deadlines.every((s) => DEADLINE_STATES.includes(s as DeadlineState)))
    throw new UsageError(
      `--deadline must be ${DEADLINE_STATES.join(', ')} (comma-separated)`,
      'Tùy chọn --deadline không hợp lệ (open, overdue, returned-on-time, returned-late).',
    );
  return {
    authorityId: v.authority,
    bookType: v.book,
    year: int(v.year, '--year', 1900),
    numberFrom: int(v['from-number'], '--from-number'),
    numberTo: int(v['to-number'], '--to-number'),
    certifiedFrom: day(v.from, '--from', false),
    certifiedTo: day(v.to, '--to', true),
    requester: v.requester,
    state: states as EntryState[] | undefined,
    channel: v.channel as DeliveryChannel | undefined,
    deadline: deadlines as DeadlineState[] | undefined,
  };
}

async function openDb(path: string | undefined): Promise<CertificationRegister> {
  if (!path)
    throw new UsageError(
      '--db FILE|postgres://… (the certification register) is required',
      'Cần --db TỆP hoặc postgres://… (sổ chứng thực).',
    );
  return openRegisterAt(path);
}

/** Every entry the query matches, page by page (the register's order: authority, book, year, number). */
async function* allEntries(
  reg: CertificationRegister,
  query: EntryQuery,
  max = Infinity,
): AsyncGenerator<RegisterEntry> {
  let after: string | undefined;
  let n = 0;
  do {
    const page = await reg.searchEntries(query, { limit: 500, after });
    for (const e of page.entries) {
      if (n++ >= max) return;
      yield e;
    }
    after = page.nextCursor ?? undefined;
  } while (after);
}

/** The entry as the JSON and CSV outputs give it (the register's own field names). */
function entryJson(e: RegisterEntry) {
  return {
    authority: e.authorityId,
    bookType: e.bookType,
    year: e.year,
    volume: e.volume,
    seqNo: e.seqNo,
    certificationNumber: e.certificationNumber,
    certifiedAt: e.certifiedAt,
    requester: e.requesterName,
    documentName: e.documentName,
    originalPages: e.originalPages,
    paperCopies: e.paperCopies,
    electronicCopy: e.electronicCopy,
    fee: e.fee,
    certifier: e.certifier.name,
    certifierTitle: e.certifier.title ?? null,
    certifierBasis: e.certifier.basis,
    state: e.state,
    voidReason: e.voidReason,
    deliveryChannel: e.deliveryChannel,
    eCopySha256: e.eCopySha256,
    vneidDataUsed: e.vneidDataUsed,
    notes: e.notes,
    requestId: e.requestId,
    // The request's due and return times and where the entry stands now (Decree 23/2015 Art. 7 and 21).
    dueAt: e.deadline?.dueAt ?? null,
    returnedAt: e.deadline?.returnedAt ?? null,
    deadline: e.deadline?.state ?? null,
  };
}

const CSV_COLUMNS = Object.keys(entryJson({ certifier: {} } as RegisterEntry)) as (keyof ReturnType<
  typeof entryJson
>)[];

/** RFC 4180: quoted when needed; a cell starting like a formula gets a leading apostrophe (spreadsheets run them). */
function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

async function list(argv: string[], out: Print): Promise<number> {
  const { values, positionals } = parseCommandArgs('register', {
    args: argv,
    allowPositionals: true,
    options: { ...FILTERS, limit: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length)
    throw new UsageError(
      `kyso register list takes no arguments (got '${positionals[0]}')`,
      'Lệnh kyso register list không nhận đối số.',
    );
  const query = queryOf(values);
  const max = int(values.limit, '--limit') ?? Infinity;
  const reg = await openDb(values.db);
  try {
    const entries: RegisterEntry[] = [];
    for await (const e of allEntries(reg, query, max)) entries.push(e);
    if (values.json) {
      out(JSON.stringify(entries.map(entryJson), null, 2));
      return 0;
    }
    const rows = entries.map((e) => [
      e.authorityId,
      e.bookType,
      String(e.year),
      String(e.seqNo),
      e.certifiedAt.slice(0, 10),
      e.requesterName,
      e.documentName,
      `${e.paperCopies}${e.electronicCopy ? '+e' : ''}`,
      String(e.fee),
      e.state,
      e.deadline?.state ?? '',
    ]);
    const head = [
      'authority',
      'book',
      'year',
      'no.',
      'date (UTC)',
      'requester',
      'document',
      'copies',
      'fee',
      'state',
      'deadline',
    ];
    const widths = head.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => [...(r[i] ?? '')].length))));
    const line = (r: string[]) =>
      r
        .map((c, i) => {
          const w = widths[i] ?? c.length; // a width per column
          return [...c].length > w ? [...c].slice(0, w - 1).join('') + '…' : c.padEnd(w);
        })
        .join('  ')
        .trimEnd();
    out([line(head), ...rows.map(line), `${entries.length} mục / entries`].join('\n'));
    return 0;
  } finally {
    await reg.close();
  }
}

async function show(argv: string[], out: Print): Promise<number> {
  const { values } = parseCommandArgs('register', {
    args: argv,
    options: {
      ...BOOK,
      number: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!values.authority || !values.year || !values.number)
    throw new UsageError(
      'kyso register show needs --authority ID --year N --number N (and --book, default SCT/BS)',
      'Cần --authority, --year và --number.',
    );
  const key = {
    authorityId: values.authority,
    bookType: values.book ?? 'SCT/BS',
    year: int(values.year, '--year', 1900)!,
    seqNo: int(values.number, '--number')!,
  };
  const reg = await openDb(values.db);
  try {
    const entry = await reg.findEntry(key);
    if (!entry) throw new RegisterError('REGISTER_NOT_FOUND', key);
    const request = await reg.getRequest(entry.requestId);
    const full = {
      ...entryJson(entry),
      feeReceiptNo: request?.feeReceiptNo ?? null,
      requestState: request?.state ?? null,
      idempotencyKey: request?.idempotencyKey ?? null,
    };
    if (values.json) out(JSON.stringify(full, null, 2));
    else
      out(
        Object.entries(full)
          .map(([k, v]) => `${k.padEnd(20)} ${v === null ? '—' : String(v)}`)
          .join('\n'),
      );
    return 0;
  } finally {
    await reg.close();
  }
}

async function exportEntries(argv: string[], out: Print): Promise<number> {
  const { values, positionals } = parseCommandArgs('register', {
    args: argv,
    allowPositionals: true,
    options: { ...FILTERS, format: { type: 'string', default: 'csv' }, output: { type: 'string', short: 'o' } },
  });
  if (positionals.length)
    throw new UsageError(
      `kyso register export takes no arguments (got '${positionals[0]}')`,
      'Lệnh kyso register export không nhận đối số.',
    );
  if (values.format !== 'csv' && values.format !== 'json')
    throw new UsageError('--format must be csv or json', 'Tùy chọn --format phải là csv hoặc json.');
  const query = queryOf(values);
  const reg = await openDb(values.db);
  try {
    const rows: ReturnType<typeof entryJson>[] = [];
    for await (const e of allEntries(reg, query)) rows.push(entryJson(e));
    const text =
      values.format === 'json'
        ? JSON.stringify(rows, null, 2) + '\n'
        : // A BOM so spreadsheet programs read the Vietnamese as UTF-8; CRLF as RFC 4180 says.
          '\ufeff' +
          [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvCell(r[c])).join(','))].join('\r\n') +
          '\r\n';
    if (values.output) writeAtomically(values.output, new TextEncoder().encode(text));
    else out(text.replace(/\r?\n$/, ''));
    return 0;
  } finally {
    await reg.close();
  }
}

async function print(argv: string[], out: Print): Promise<number> {
  const { values } = parseCommandArgs('register', {
    args: argv,
    options: {
      ...BOOK,
      from: { type: 'string' },
      to: { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
  });
  if (!values.authority) throw new UsageError('--authority ID is required', 'Cần --authority.');
  if (!values.output) throw new UsageError('-o BOOK.pdf is required', 'Cần -o TỆP.pdf.');
  if (values.year === undefined && values.from === undefined && values.to === undefined)
    throw new UsageError(
      'give --year N, or a period with --from/--to YYYY-MM-DD',
      'Cần --year hoặc khoảng thời gian --from/--to.',
    );
  const bookType = values.book ?? 'SCT/BS';
  const year = int(values.year, '--year', 1900);
  const period = { from: day(values.from, '--from', false), to: day(values.to, '--to', true) };
  const reg = await openDb(values.db);
  try {
    const authority = await reg.getAuthority(values.authority);
    if (!authority) throw new RegisterError('REGISTER_UNKNOWN_AUTHORITY', { authorityId: values.authority });
    const entries: RegisterEntry[] = [];
    for await (const e of allEntries(reg, {
      authorityId: authority.id,
      bookType,
      year,
      certifiedFrom: period.from,
      certifiedTo: period.to,
    }))
      entries.push(e);
    const closure = year !== undefined ? await reg.getBookClosure(authority.id, bookType, year) : null;
    const pdf = printRegisterBook({ authority, bookType, year, period, entries, closure });
    writeAtomically(values.output, pdf);
    out(`Đã in sổ / Printed: ${values.output} (${entries.length} mục / entries)`);
    return 0;
  } finally {
    await reg.close();
  }
}

async function close(argv: string[], out: Print): Promise<number> {
  const { values } = parseCommandArgs('register', {
    args: argv,
    options: {
      ...BOOK,
      json: { type: 'boolean' },
    },
  });
  if (!values.authority || !values.year)
    throw new UsageError(
      'kyso register close needs --authority ID --year N (and --book, default SCT/BS)',
      'Cần --authority và --year.',
    );
  const reg = await openDb(values.db);
  try {
    const { closure } = await reg.closeBook(
      values.authority,
      values.book ?? 'SCT/BS',
      int(values.year, '--year', 1900)!,
    );
    out(
      values.json
        ? JSON.stringify(closure, null, 2)
        : `Đã khóa sổ / Closed: ${closure.bookType} ${closure.year}: ${closure.numbersUsed} số chứng thực / numbers used (${closure.issued} issued, ${closure.voided} void), ${closure.closedAt}`,
    );
    return 0;
  } finally {
    await reg.close();
  }
}

/** Written to a temporary file beside the output and renamed into place: never half a file. */
function writeAtomically(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    writeFileSync(tmp, bytes, { flush: true });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
