/**
 * `kyso register` and `kyso journal` end to end on the built CLI (`pnpm build` first): a register filled by the
 * test with known entries is listed (table, JSON), searched, exported (CSV, JSON) and shown exactly as written; the
 * book is printed (pdftoppm renders it, pdftotext shows every entry); a year's closing is refused while an entry is
 * pending and then records the count; `kyso sign --journal` and `kyso certify --journal` journal their signatures
 * with the output's SHA-256 and the certificate's, and the journal file holds no PDF bytes and no key material;
 * a journal that cannot be written (read-only, inserts failing as on a full disk) exits 74 with no output left;
 * several kyso processes writing one register at once, read meanwhile and after by list and export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash, createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeCopyFee, Pkcs12Signer, type ReserveInput } from '@kyso/core';
import { openSqliteJournal, openSqliteRegister } from '@kyso/core/register-sqlite';
import { failJournalWrites } from './helpers/journal-failure.js';
import { pdfLibDoc, repoRoot } from './helpers/producers.js';
import { leafPem, startTsa } from './helpers/pki-servers.js';
import { run, scratch } from './helpers/tools.js';
import { scanPng } from '../packages/core/test/fixtures/ecopy/scans.js';

const tmp = scratch('kyso-register-cli-');
const CLI = join(repoRoot, 'packages/cli/dist/main.cjs');
const certs = (f: string) => join(repoRoot, 'test-certs', f);
const AUTH = 'UBND-KINH-BAC';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function kyso(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, KYSO_PW: 'kyso-test' } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const NAMES = ['Đặng Thị Ánh', 'Lê Văn Cường', 'Nguyễn Hữu Phước', 'Trịnh Thị Ngọc Diệp'];
let db: string;
let pendingId: string;

function request(i: number): ReserveInput {
  const original = { pages: 1 + (i % 4), paperCopies: i % 3, electronicCopy: true };
  return {
    idempotencyKey: `HS-${i}`,
    authorityId: AUTH,
    requester: { name: NAMES[i % NAMES.length] },
    certifier: { name: 'Nguyễn Thị Hồng', title: 'CHỦ TỊCH', basis: 'own-competence' },
    originals: [
      {
        documentName: `Giấy khai sinh số ${100 + i}, "bản chính"`,
        ...original,
        notes: i === 3 ? '=SUM(A1) thử công thức' : undefined,
      },
    ],
    fee: computeCopyFee({ originals: [original] }),
    delivery: i % 2 ? { channel: 'KHO_DVCQG' } : { channel: 'EMAIL', address: 'a@example.vn' },
  };
}

beforeAll(async () => {
  db = tmp.file('register.sqlite');
  let now = new Date('2026-03-02T02:00:00Z');
  const reg = openSqliteRegister(db, { clock: () => now });
  await reg.upsertAuthority({ id: AUTH, name: 'Ủy ban nhân dân phường Kinh Bắc' });
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    now = new Date(Date.UTC(2026, 2, 2 + i, 2)); // one a day from 2 March, 09:00 Vietnam time: due 17:00 that day
    const { request: r } = await reg.reserve(request(i));
    await reg.complete(r.id, {
      eCopies: r.entries.map((e) => ({ entryId: e.id, sha256: createHash('sha256').update(`e${i}`).digest('hex') })),
    });
    ids.push(r.id);
  }
  // The first e-copy delivered the same afternoon (on time), the second two days later (late); the rest never.
  await reg.recordDelivery(ids[0], { at: '2026-03-02T16:00:00+07:00' });
  await reg.recordDelivery(ids[1], { at: '2026-03-05T08:00:00+07:00' });
  now = new Date('2026-03-20T02:00:00Z');
  pendingId = (await reg.reserve(request(12))).request.id;
  await reg.close();
});
afterAll(() => tmp.cleanup());

/** The entries as written, read back through the library (the reference the CLI's outputs are compared with). */
async function written() {
  const reg = openSqliteRegister(db);
  try {
    return (await reg.searchEntries({ authorityId: AUTH }, { limit: 1000 })).entries;
  } finally {
    await reg.close();
  }
}

/** A minimal RFC 4180 reader (quoted cells, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  return rows;
}

describe('kyso register', () => {
  it('list --json gives every entry as written, in the book order; the table names them', async () => {
    const entries = await written();
    expect(entries).toHaveLength(13);
    const res = await kyso(['register', 'list', '--db', db, '--json']);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const listed = JSON.parse(res.stdout) as Record<string, unknown>[];
    expect(
      listed.map((e) => [e.seqNo, e.requester, e.documentName, e.fee, e.state, e.eCopySha256, e.certifiedAt]),
    ).toEqual(
      entries.map((e) => [e.seqNo, e.requesterName, e.documentName, e.fee, e.state, e.eCopySha256, e.certifiedAt]),
    );
    // Each entry flagged against its due time (17:00 of its day), as it stands now: long past March.
    expect(listed.map((e) => [e.dueAt, e.returnedAt, e.deadline])).toEqual(
      entries.map((e) => [e.deadline!.dueAt, e.deadline!.returnedAt, e.deadline!.state]),
    );
    expect(listed.map((e) => e.deadline)).toEqual(['returned-on-time', 'returned-late', ...Array(11).fill('overdue')]);
    expect(listed[0].dueAt).toBe('2026-03-02T10:00:00.000Z');
    const table = await kyso(['register', 'list', '--db', db]);
    expect(table.code).toBe(0);
    for (const name of NAMES) expect(table.stdout).toContain(name);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/state\s+deadline$/);
    expect(lines.slice(1, 14).map((l) => l.split(/\s+/).pop())).toEqual([
      'returned-on-time',
      'returned-late',
      ...Array(11).fill('overdue'),
    ]);
    expect(table.stdout).toContain('13 mục / entries');
  });

  it('filters: requester (any case), state, channel, number and date ranges, deadline', async () => {
    const json = async (args: string[]) => {
      const res = await kyso(['register', 'list', '--db', db, '--json', ...args]);
      expect(res.code).toBe(0);
      return (JSON.parse(res.stdout) as { seqNo: number }[]).map((e) => e.seqNo);
    };
    expect(await json(['--requester', 'LÊ VĂN'])).toEqual([2, 6, 10]);
    expect(await json(['--state', 'pending'])).toEqual([13]);
    expect(await json(['--channel', 'KHO_DVCQG', '--to-number', '6'])).toEqual([2, 4, 6]);
    expect(await json(['--from-number', '11'])).toEqual([11, 12, 13]);
    // 2 March 02:00 UTC is 2 March in Vietnam: entry i was certified on 2 + i March.
    expect(await json(['--from', '2026-03-05', '--to', '2026-03-07'])).toEqual([4, 5, 6]);
    expect(await json(['--authority', AUTH, '--book', 'SCT/BS', '--year', '2026', '--limit', '2'])).toEqual([1, 2]);
    // Against the due time now: the first two were returned (on time, late), the rest are past due.
    expect(await json(['--deadline', 'returned-on-time,returned-late'])).toEqual([1, 2]);
    expect(await json(['--deadline', 'overdue', '--from-number', '12'])).toEqual([12, 13]);
    expect(await json(['--deadline', 'open'])).toEqual([]);
    const bad = await kyso(['register', 'list', '--db', db, '--deadline', 'late']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('--deadline');
  });

  it('export: CSV (RFC 4180, formulas defused) and JSON agree with what was written', async () => {
    const entries = await written();
    const out = tmp.file('export.csv');
    const res = await kyso(['register', 'export', '--db', db, '-o', out]);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    const [head, ...rows] = parseCsv(text.slice(1));
    expect(head.slice(0, 8)).toEqual([
      'authority',
      'bookType',
      'year',
      'volume',
      'seqNo',
      'certificationNumber',
      'certifiedAt',
      'requester',
    ]);
    expect(rows).toHaveLength(entries.length);
    const col = (name: string) => rows.map((r) => r[head.indexOf(name)]);
    expect(col('seqNo')).toEqual(entries.map((e) => String(e.seqNo)));
    expect(col('documentName')).toEqual(entries.map((e) => e.documentName));
    expect(col('requester')).toEqual(entries.map((e) => e.requesterName));
    expect(col('fee')).toEqual(entries.map((e) => String(e.fee)));
    expect(col('certificationNumber')).toEqual(entries.map((e) => e.certificationNumber));
    expect(col('notes')[3]).toBe("'=SUM(A1) thử công thức");
    expect(col('deadline')).toEqual(entries.map((e) => e.deadline!.state));
    expect(col('dueAt')).toEqual(entries.map((e) => e.deadline!.dueAt));
    expect(col('returnedAt')).toEqual(entries.map((e) => e.deadline!.returnedAt ?? ''));
    const asJson = await kyso(['register', 'export', '--db', db, '--format', 'json', '--state', 'issued']);
    expect(asJson.code).toBe(0);
    expect((JSON.parse(asJson.stdout) as { seqNo: number }[]).map((e) => e.seqNo)).toEqual(
      entries.filter((e) => e.state === 'issued').map((e) => e.seqNo),
    );
  });

  it('show prints one entry with its request', async () => {
    const res = await kyso([
      'register',
      'show',
      '--db',
      db,
      '--authority',
      AUTH,
      '--year',
      '2026',
      '--number',
      '3',
      '--json',
    ]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      seqNo: 3,
      requester: NAMES[2],
      idempotencyKey: 'HS-2',
      requestState: 'issued',
      certifier: 'Nguyễn Thị Hồng',
    });
    const none = await kyso(['register', 'show', '--db', db, '--authority', AUTH, '--year', '2026', '--number', '99']);
    expect(none.code).toBe(79);
    expect(none.stderr).toContain('REGISTER_NOT_FOUND');
  });

  it('print writes the book of a period as a PDF: rendered by pdftoppm, every entry in pdftotext', async () => {
    const entries = await written();
    const out = tmp.file('book.pdf');
    const res = await kyso(['register', 'print', '--db', db, '--authority', AUTH, '--year', '2026', '-o', out]);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toContain('13 mục');
    expect(run('pdftoppm', ['-r', '30', '-png', out, tmp.file('book')]).status).toBe(0);
    expect(existsSync(tmp.file('book-1.png'))).toBe(true);
    const text = run('pdftotext', [out, '-']).stdout.normalize('NFC');
    expect(text).toContain('SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH');
    expect(text).toContain('ỦY BAN NHÂN DÂN PHƯỜNG KINH BẮC');
    for (const e of entries) expect(text).toContain(`số ${e.documentName.match(/số (\d+)/)![1]}`);
    for (const name of NAMES) expect(text).toContain(name);
    expect(text).toContain('Đang xử lý');
    const period = tmp.file('period.pdf');
    expect(
      (
        await kyso([
          'register',
          'print',
          '--db',
          db,
          '--authority',
          AUTH,
          '--from',
          '2026-03-05',
          '--to',
          '2026-03-06',
          '-o',
          period,
        ])
      ).code,
    ).toBe(0);
    const ptext = run('pdftotext', [period, '-']).stdout.normalize('NFC');
    expect(ptext).toContain('Từ ngày 05/03/2026 đến ngày 06/03/2026');
    expect(ptext).toContain('số 103');
    expect(ptext).toContain('số 104');
    expect(ptext).not.toContain('số 105');
  });

  it("close is refused while an entry is pending, then records the year's count", async () => {
    const refused = await kyso(['register', 'close', '--db', db, '--authority', AUTH, '--year', '2026']);
    expect(refused.code).toBe(79);
    expect(refused.stderr).toContain('REGISTER_BOOK_PENDING');
    const reg = openSqliteRegister(db);
    await reg.voidPending(pendingId, 'Người yêu cầu rút hồ sơ');
    await reg.close();
    const closed = await kyso(['register', 'close', '--db', db, '--authority', AUTH, '--year', '2026', '--json']);
    expect(closed.code).toBe(0);
    expect(JSON.parse(closed.stdout)).toMatchObject({
      numbersUsed: 13,
      issued: 12,
      voided: 1,
      year: 2026,
      bookType: 'SCT/BS',
    });
    const book = tmp.file('closed.pdf');
    expect(
      (await kyso(['register', 'print', '--db', db, '--authority', AUTH, '--year', '2026', '-o', book])).code,
    ).toBe(0);
    expect(run('pdftotext', [book, '-']).stdout.normalize('NFC')).toContain('đã sử dụng 13 số chứng thực');
  });

  it('bad usage is 64 with a message in both languages', async () => {
    for (const args of [
      ['register'],
      ['register', 'list'],
      ['register', 'list', '--db', db, '--state', 'lost'],
      ['register', 'list', '--db', db, '--from', '2026-02-30'],
      ['register', 'print', '--db', db, '--authority', AUTH, '-o', tmp.file('x.pdf')],
      ['journal', 'list'],
    ]) {
      const res = await kyso(args);
      expect(res.code, args.join(' ')).toBe(64);
      expect(res.stderr).toMatch(/kyso: /);
    }
  });
});

describe('the signing journal from the CLI', () => {
  it('kyso sign --journal records the signature: the output and certificate hashes, the codes; no PDF bytes, no key', async () => {
    const journal = tmp.file('journal.sqlite');
    const input = tmp.file('in.pdf', await pdfLibDoc({ pages: 1 }));
    const output = tmp.file('signed.pdf');
    const res = await kyso([
      'sign',
      input,
      '-o',
      output,
      '--p12',
      certs('signer.p12'),
      '--password-env',
      'KYSO_PW',
      '--revocation',
      'off',
      '--journal',
      journal,
      '--procedure',
      '1.001234',
      '--dossier',
      'HS-2026/0042',
    ]);
    expect(res).toMatchObject({ code: 0 });
    const listed = await kyso(['journal', 'list', '--journal', journal, '--json']);
    expect(listed.code).toBe(0);
    const signer = Pkcs12Signer.open(readFileSync(certs('signer.p12')), 'kyso-test');
    const signed = readFileSync(output);
    expect(JSON.parse(listed.stdout)).toEqual([
      {
        id: 1,
        at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        source: 'cli',
        operation: 'sign',
        unit: signer.info.subjectAttributes.O ?? signer.info.subjectAttributes.CN,
        keyAlias: 'signer.p12',
        signerName: signer.info.subjectAttributes.CN,
        signerCertSha256: createHash('sha256').update(signer.certificate).digest('hex'),
        level: 'B-B',
        documentSha256: createHash('sha256').update(signed).digest('hex'),
        procedureCode: '1.001234',
        dossierId: 'HS-2026/0042',
      },
    ]);
    const byDossier = await kyso(['journal', 'list', '--journal', journal, '--dossier', 'HS-2026/0042']);
    expect(byDossier.stdout).toContain('1 bản ghi / records');
    // No document bytes and no key material anywhere in the journal's files.
    const files = [journal, `${journal}-wal`].filter(existsSync).map((f) => readFileSync(f));
    const key = createPrivateKey(
      run('openssl', ['pkcs12', '-in', certs('signer.p12'), '-nocerts', '-nodes', '-passin', 'pass:kyso-test']).stdout,
    ).export({ format: 'der', type: 'pkcs8' });
    for (const bytes of files) {
      expect(bytes.includes(Buffer.from('%PDF-'))).toBe(false);
      expect(bytes.includes(signed.subarray(signed.length - 600, signed.length - 300))).toBe(false);
      expect(bytes.includes(key.subarray(key.length - 64))).toBe(false);
      expect(bytes.includes(Buffer.from('kyso-test'))).toBe(false);
    }
  });

  it("kyso extend --journal records the document timestamp as the TSA's signature", async () => {
    const tsa = await startTsa();
    try {
      const journal = tmp.file('extend-journal.sqlite');
      const signed = tmp.file('bb.pdf');
      expect(
        (
          await kyso([
            'sign',
            tmp.file('in2.pdf', await pdfLibDoc({ pages: 1 })),
            '-o',
            signed,
            '--p12',
            certs('signer.p12'),
            '--password-env',
            'KYSO_PW',
            '--revocation',
            'off',
          ])
        ).code,
      ).toBe(0);
      const extended = tmp.file('bt.pdf');
      const res = await kyso([
        'extend',
        signed,
        '-o',
        extended,
        '--level',
        'B-T',
        '--tsa',
        tsa.url,
        '--journal',
        journal,
        '--unit',
        'UBND-X',
        '--dossier',
        'HS-9',
      ]);
      expect(res.code, res.stderr).toBe(0);
      const records = JSON.parse((await kyso(['journal', 'list', '--journal', journal, '--json'])).stdout) as Record<
        string,
        unknown
      >[];
      const tsaDer = Buffer.from(
        readFileSync(leafPem('tsa').cert, 'utf8').replace(/-----[^-]+-----|\s/g, ''),
        'base64',
      );
      expect(records).toMatchObject([
        {
          operation: 'extend',
          unit: 'UBND-X',
          keyAlias: new URL(tsa.url).host,
          level: 'B-T',
          dossierId: 'HS-9',
          signerCertSha256: createHash('sha256').update(tsaDer).digest('hex'),
          documentSha256: createHash('sha256').update(readFileSync(extended)).digest('hex'),
        },
      ]);
    } finally {
      await tsa.stop();
    }
  });

  it('kyso certify --journal records both signatures for the authority; codes are checked before anything is signed', async () => {
    const journal = tmp.file('certify-journal.sqlite');
    const reg = tmp.file('certify-register.sqlite');
    const out = tmp.file('ecopy.pdf');
    const scan = tmp.file('scan.png', scanPng(620, 877, { dpi: 75, seed: 3 }));
    const base = [
      'certify',
      '--scan',
      scan,
      '--paper-copies',
      '1',
      '-o',
      out,
      '--db',
      reg,
      '--certifier-p12',
      certs('signer.p12'),
      '--authority-p12',
      certs('seal.p12'),
      '--password-env',
      'KYSO_PW',
      '--revocation',
      'off',
      '--authority-id',
      AUTH,
      '--journal',
      journal,
    ];
    const bad = await kyso([...base, '--dossier', 'Hồ sơ của bà Ánh']);
    expect(bad.code).toBe(64);
    expect(existsSync(out)).toBe(false);
    const res = await kyso([...base, '--dossier', 'HS-7']);
    expect(res.stderr).not.toMatch(/error|lỗi/i);
    expect(res.code).toBe(0);
    const records = JSON.parse((await kyso(['journal', 'list', '--journal', journal, '--json'])).stdout) as Record<
      string,
      unknown
    >[];
    const sha = createHash('sha256').update(readFileSync(out)).digest('hex');
    expect(records.map((r) => [r.operation, r.unit, r.keyAlias, r.documentSha256, r.dossierId])).toEqual([
      ['certify', AUTH, 'signer.p12', sha, 'HS-7'],
      ['certify', AUTH, 'seal.p12', sha, 'HS-7'],
    ]);
    expect(
      (
        await kyso([
          'sign',
          out,
          '-o',
          tmp.file('x.pdf'),
          '--p12',
          certs('signer.p12'),
          '--password-env',
          'KYSO_PW',
          '--unit',
          'X',
        ])
      ).code,
    ).toBe(64);
  });
});

describe('a journal that cannot be written (exit 74, no signed output left)', () => {
  /** Runs `fn` with `file` immutable: read-only even for root, as SQLite finds it on opening. */
  async function readOnly<T>(file: string, fn: () => Promise<T>): Promise<T> {
    expect(run('chattr', ['+i', file]).status).toBe(0);
    try {
      return await fn();
    } finally {
      run('chattr', ['-i', file]);
    }
  }
  const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

  it('kyso sign --journal on a read-only journal exits 74 (JOURNAL_STORAGE); the output is not written, an earlier one untouched', async () => {
    const dir = tmp.file('ro-journal');
    mkdirSync(dir);
    const journal = join(dir, 'journal.sqlite');
    await (await openSqliteJournal(journal)).close();
    const input = tmp.file('ro-in.pdf', await pdfLibDoc({ pages: 1 }));
    const output = join(dir, 'signed.pdf');
    const args = [
      'sign',
      input,
      '-o',
      output,
      '--p12',
      certs('signer.p12'),
      '--password-env',
      'KYSO_PW',
      '--revocation',
      'off',
      '--journal',
      journal,
    ];
    const res = await readOnly(journal, () => kyso(args));
    expect(res.code).toBe(74);
    expect(res.stderr).toContain('JOURNAL_STORAGE');
    expect(res.stderr).toContain('Lỗi lưu trữ nhật ký ký số.');
    expect(existsSync(output)).toBe(false);
    expect(leftovers(dir)).toEqual([]);
    // Signing in place (-o the input): the input stays as it was.
    const before = readFileSync(input);
    const inPlace = await readOnly(journal, () => kyso([...args.slice(0, 1), input, '-o', input, ...args.slice(4)]));
    expect(inPlace.code).toBe(74);
    expect(readFileSync(input).equals(before)).toBe(true);
    // Writable again: signed and journaled.
    expect((await kyso(args)).code).toBe(0);
    const records = JSON.parse((await kyso(['journal', 'list', '--journal', journal, '--json'])).stdout) as {
      documentSha256: string;
    }[];
    expect(records.map((r) => r.documentSha256)).toEqual([
      createHash('sha256').update(readFileSync(output)).digest('hex'),
    ]);
  });

  it('kyso certify --journal whose writes fail (disk full) exits 74 without the e-copy; the retry replays it and journals both signatures', async () => {
    const journal = tmp.file('full-journal.sqlite');
    await (await openSqliteJournal(journal)).close();
    const reg = tmp.file('full-register.sqlite');
    const out = tmp.file('full-ecopy.pdf');
    const scan = tmp.file('full-scan.png', scanPng(620, 877, { dpi: 75, seed: 5 }));
    const args = [
      'certify',
      '--scan',
      scan,
      '--paper-copies',
      '0',
      '-o',
      out,
      '--db',
      reg,
      '--certifier-p12',
      certs('signer.p12'),
      '--authority-p12',
      certs('seal.p12'),
      '--password-env',
      'KYSO_PW',
      '--revocation',
      'off',
      '--authority-id',
      AUTH,
      '--journal',
      journal,
      '--idempotency-key',
      'HS-FULL',
      '--json',
    ];
    const restore = failJournalWrites(journal);
    let failed!: Result;
    try {
      failed = await kyso(args);
    } finally {
      restore();
    }
    expect(failed.code).toBe(74);
    expect(failed.stderr).toContain('JOURNAL_STORAGE');
    expect(existsSync(out)).toBe(false);
    const retry = await kyso(args);
    expect(retry.code, retry.stderr).toBe(0);
    const sha = createHash('sha256').update(readFileSync(out)).digest('hex');
    const records = JSON.parse((await kyso(['journal', 'list', '--journal', journal, '--json'])).stdout) as Record<
      string,
      unknown
    >[];
    expect(records.map((r) => [r.operation, r.keyAlias, r.documentSha256])).toEqual([
      ['certify', 'signer.p12', sha],
      ['certify', 'seal.p12', sha],
    ]);
    expect((await kyso(args)).code).toBe(0); // a replay of a journaled copy records nothing more
    expect(JSON.parse((await kyso(['journal', 'list', '--journal', journal, '--json'])).stdout)).toHaveLength(2);
  });
});

describe('several processes writing one register, the CLI reading it', () => {
  it('3 kyso processes certify at once while readers list: every listing is 1..k with no gap; list and export equal what the writers reported', async () => {
    const shared = tmp.file('shared-register.sqlite');
    const reg = openSqliteRegister(shared);
    await reg.upsertAuthority({ id: 'UBND-MULTI', name: 'Ủy ban nhân dân xã Đa Tiến' });
    await reg.close();
    type Reported = { number: number; certificationNumber: string; certifiedAt: string; document: string; fee: number };
    const writer = async (w: number) => {
      const out: (Reported & { requester: string })[] = [];
      for (let i = 0; i < 4; i++) {
        const requester = `Người yêu cầu ${w}-${i} Đặng`;
        const r = await kyso([
          'certify-paper',
          '--db',
          shared,
          '--authority-id',
          'UBND-MULTI',
          '--certifier',
          'Nguyễn Thị Hồng',
          '--requester',
          requester,
          '--idempotency-key',
          `P-${w}-${i}`,
          '--original',
          `Giấy tờ số ${w}-${i}`,
          '--pages',
          String(1 + i),
          '--copies',
          String(1 + w),
          '--json',
        ]);
        expect(r.code, r.stderr).toBe(0);
        for (const e of (JSON.parse(r.stdout) as { entries: Reported[] }).entries) out.push({ ...e, requester });
      }
      return out;
    };
    const reader = async () => {
      const seen: number[][] = [];
      for (let i = 0; i < 3; i++) {
        const r = await kyso(['register', 'list', '--db', shared, '--json']);
        expect(r.code, r.stderr).toBe(0);
        seen.push((JSON.parse(r.stdout) as { seqNo: number }[]).map((e) => e.seqNo));
      }
      return seen;
    };
    const [written, ...reads] = await Promise.all([Promise.all([0, 1, 2].map(writer)), reader(), reader()]);
    // Mid-write listings: whatever was committed, in order, without a hole.
    for (const seqs of reads.flat()) expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const expected = written.flat().sort((a, b) => a.number - b.number);
    expect(expected.map((e) => e.number)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const row = (e: {
      seqNo: number | string;
      certificationNumber: string;
      requester: string;
      documentName: string;
      fee: number | string;
      certifiedAt: string;
    }) => [String(e.seqNo), e.certificationNumber, e.requester, e.documentName, String(e.fee), e.certifiedAt];
    const want = expected.map((e) =>
      row({
        seqNo: e.number,
        certificationNumber: e.certificationNumber,
        requester: e.requester,
        documentName: e.document,
        fee: e.fee,
        certifiedAt: e.certifiedAt,
      }),
    );

    const listed = JSON.parse((await kyso(['register', 'list', '--db', shared, '--json'])).stdout) as Parameters<
      typeof row
    >[0][];
    expect(listed.map(row)).toEqual(want);
    const asJson = JSON.parse(
      (await kyso(['register', 'export', '--db', shared, '--format', 'json'])).stdout,
    ) as Parameters<typeof row>[0][];
    expect(asJson.map(row)).toEqual(want);
    const csvFile = tmp.file('shared-export.csv');
    expect((await kyso(['register', 'export', '--db', shared, '-o', csvFile])).code).toBe(0);
    const [head, ...rows] = parseCsv(readFileSync(csvFile, 'utf8').slice(1));
    const col = (r: string[], name: string) => r[head.indexOf(name)]!;
    expect(
      rows.map((r) => [
        col(r, 'seqNo'),
        col(r, 'certificationNumber'),
        col(r, 'requester'),
        col(r, 'documentName'),
        col(r, 'fee'),
        col(r, 'certifiedAt'),
      ]),
    ).toEqual(want);
    // Paper copies alone are returned when issued: each on time or late against its own due time, never pending.
    expect(
      listed.every((e) =>
        ['returned-on-time', 'returned-late'].includes((e as unknown as { deadline: string }).deadline),
      ),
    ).toBe(true);
  });
});
