/**
 * Reading the register and the signing journal over HTTP against a real listening service: the entries of the
 * caller's unit searched and paged (equal to what was written, by HTTP and by another connection to the file), the
 * book printed (pdftoppm, pdftotext), the scopes (401 without a key, 403 without the scope, nothing of another
 * unit), and the journal of /v1/sign, two-step completion and certification: the caller's codes, the output's and
 * the certificate's hashes, and no document bytes or key material in the register file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeCopyFee, Pkcs12Signer } from '@kyso/core';
import { openSqliteRegister } from '@kyso/core/register-sqlite';
import { failJournalWrites } from './helpers/journal-failure.js';
import { pdfLibDoc } from './helpers/producers.js';
import { run, scratch } from './helpers/tools.js';
import {
  TEST_CERTS,
  bearer,
  postPdf,
  startTestService,
  type TestService,
} from '../packages/server/test/helpers/test-service.js';

let svc: TestService;
let scan: Uint8Array;
let registerFile: string;
const tmp = scratch('kyso-service-register-');
const UNIT = 'UBND phường Kinh Bắc';
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const NAMES = ['Đặng Thị Ánh', 'Lê Văn Cường', 'Võ Thành Đạt'];

beforeAll(async () => {
  svc = await startTestService();
  registerFile = svc.services.config.certification.register!;
  scan = await pdfLibDoc({ pages: 1, objectStreams: false, text: 'Giay khai sinh' });
});
afterAll(async () => {
  await svc?.stop();
  tmp.cleanup();
});

const get = (path: string, key?: string) => fetch(`${svc.url}${path}`, { headers: key ? bearer(key) : {} });

function certify(key: string, headers: Record<string, string> = {}) {
  return fetch(`${svc.url}/v1/certifications`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...bearer(svc.keys.full), ...headers },
    body: JSON.stringify({
      idempotencyKey: key,
      certifierKey: 'signer',
      certifier: { title: 'CÔNG CHỨC TƯ PHÁP - HỘ TỊCH', basis: 'assigned' },
      requester: { name: 'Trần Thị Bình' },
      documentName: 'Giấy khai sinh bản chính',
      paperCopies: 1,
      scan: { pdf: Buffer.from(scan).toString('base64') },
    }),
  });
}

describe('GET /v1/register/entries and /v1/register/book.pdf', () => {
  it('pages through what was written over HTTP and by another connection, in the book order, equal to the library', async () => {
    for (const k of ['HS-1', 'HS-2']) expect((await certify(k)).status).toBe(201);
    // Another writer on the same file (as a second instance or the CLI would be).
    const reg = openSqliteRegister(registerFile);
    for (let i = 0; i < 21; i++) {
      const original = { pages: 1 + (i % 3), paperCopies: 1, electronicCopy: false };
      const { request } = await reg.reserve({
        idempotencyKey: `LIB-${i}`,
        authorityId: UNIT,
        requester: { name: NAMES[i % 3] },
        certifier: { name: 'Nguyễn Thị Hồng', basis: 'own-competence' },
        originals: [{ documentName: `Sổ hộ khẩu số ${500 + i}`, ...original }],
        fee: computeCopyFee({ originals: [original] }),
      });
      if (i === 20) continue; // left pending
      await reg.complete(request.id, { eCopies: [] });
    }
    const expected = (await reg.searchEntries({ authorityId: UNIT }, { limit: 1000 })).entries;
    await reg.close();
    expect(expected).toHaveLength(23);

    const seen: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(
        `/v1/register/entries?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        svc.keys.full,
      );
      expect(res.status).toBe(200);
      const page = (await res.json()) as { entries: Record<string, unknown>[]; nextCursor: string | null };
      seen.push(...page.entries);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(
      seen.map((e) => [e.seqNo, e.requester, e.documentName, e.fee, e.state, e.eCopySha256, e.certifiedAt]),
    ).toEqual(
      expected.map((e) => [e.seqNo, e.requesterName, e.documentName, e.fee, e.state, e.eCopySha256, e.certifiedAt]),
    );
    // Each entry flagged against its request's due time: the same due and return times and state as the library's.
    expect(seen.map((e) => [e.dueAt, e.returnedAt, e.deadline])).toEqual(
      expected.map((e) => [e.deadline!.dueAt, e.deadline!.returnedAt, e.deadline!.state]),
    );
    expect(
      seen.every(
        (e) => typeof e.dueAt === 'string' && ['open', 'overdue', 'returned-on-time'].includes(e.deadline as string),
      ),
    ).toBe(true);

    const seqs = async (q: string) =>
      (
        (await (await get(`/v1/register/entries?${q}`, svc.keys.full)).json()) as { entries: { seqNo: number }[] }
      ).entries.map((e) => e.seqNo);
    expect(await seqs(`requester=${encodeURIComponent('lê văn')}`)).toEqual([4, 7, 10, 13, 16, 19, 22]);
    expect(await seqs('state=pending')).toEqual([23]);
    expect(await seqs('state=issued&numberFrom=2&numberTo=4')).toEqual([2, 3, 4]);
    const year = expected[0].year;
    expect((await seqs(`book=${encodeURIComponent('SCT/BS')}&year=${year}&limit=2`)).length).toBe(2);
    expect(await seqs('from=2001-01-01&to=2001-12-31')).toEqual([]);
    // The deadline filter picks what the flags say, judged now by the register's clock.
    for (const d of ['open', 'overdue', 'returned-on-time', 'open,returned-on-time'])
      expect(await seqs(`deadline=${d}`)).toEqual(
        seen.filter((e) => d.split(',').includes(e.deadline as string)).map((e) => e.seqNo),
      );
    expect((await get('/v1/register/entries?deadline=late', svc.keys.full)).status).toBe(400);
  });

  it('refuses callers without a key (401) or the scope (403) and shows another unit nothing of this one', async () => {
    expect((await get('/v1/register/entries')).status).toBe(401);
    const noScope = await get('/v1/register/entries', svc.keys.signerOnly);
    expect(noScope.status).toBe(403);
    expect(((await noScope.json()) as { detail: string }).detail).toContain('register:read');
    expect((await get('/v1/register/book.pdf?year=2026', svc.keys.signerOnly)).status).toBe(403);
    const other = await get('/v1/register/entries', svc.keys.otherUnit);
    expect(other.status).toBe(200);
    expect(await other.json()).toEqual({ entries: [], nextCursor: null });
    for (const q of [
      'cursor=nonsense',
      'limit=0',
      'limit=1001',
      'state=lost',
      'from=2026-02-30',
      'numberFrom=5&numberTo=2',
      'authority=x',
    ]) {
      expect((await get(`/v1/register/entries?${q}`, svc.keys.full)).status, q).toBe(400);
    }
    expect((await get('/v1/register/book.pdf', svc.keys.full)).status).toBe(400);
  });

  it('prints the book: a PDF that pdftoppm renders and whose text shows every entry', async () => {
    const { entries } = (await (await get('/v1/register/entries?limit=1000', svc.keys.full)).json()) as {
      entries: { documentName: string; year: number }[];
    };
    const res = await get(`/v1/register/book.pdf?year=${entries[0].year}`, svc.keys.full);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const file = tmp.file('book.pdf', new Uint8Array(await res.arrayBuffer()));
    expect(run('pdftoppm', ['-r', '30', '-png', '-f', '1', '-l', '1', file, tmp.file('book')]).status).toBe(0);
    expect(existsSync(tmp.file('book-1.png'))).toBe(true);
    const text = run('pdftotext', [file, '-']).stdout.normalize('NFC');
    expect(text).toContain('SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH');
    for (const e of entries) expect(text).toContain(e.documentName.split(' ').slice(-1)[0]);
    for (const n of NAMES) expect(text).toContain(n);
  });
});

describe('the signing journal (GET /v1/journal)', () => {
  it("journals /v1/sign with the caller's codes and the output's hash; the register file holds no PDF bytes and no key", async () => {
    const pdf = await pdfLibDoc({ pages: 1 });
    const res = await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, {
      ...bearer(svc.keys.full),
      'Kyso-Procedure-Code': '2.000815',
      'Kyso-Dossier-Id': 'HS-2026/77',
    });
    expect(res.status).toBe(200);
    const signed = new Uint8Array(await res.arrayBuffer());
    const page = (await (await get('/v1/journal?dossierId=HS-2026%2F77', svc.keys.full)).json()) as {
      records: Record<string, unknown>[];
    };
    const signer = Pkcs12Signer.open(readFileSync(join(TEST_CERTS, 'signer.p12')), 'kyso-test');
    expect(page.records).toEqual([
      {
        id: expect.any(Number),
        at: expect.stringMatching(/^\d{4}-/),
        source: 'service',
        operation: 'sign',
        unit: UNIT,
        keyAlias: 'signer',
        signerName: signer.info.subjectAttributes.CN,
        signerCertSha256: sha(signer.certificate),
        level: 'B-B',
        documentSha256: sha(signed),
        procedureCode: '2.000815',
        dossierId: 'HS-2026/77',
      },
    ]);
    // Not a byte of the signed output (its signature is unique to it) nor of the private key in the register's files.
    const key = createPrivateKey(
      run('openssl', [
        'pkcs12',
        '-in',
        join(TEST_CERTS, 'signer.p12'),
        '-nocerts',
        '-nodes',
        '-passin',
        'pass:kyso-test',
      ]).stdout,
    ).export({ format: 'der', type: 'pkcs8' });
    const tail = Buffer.from(signed.subarray(signed.length - 700, signed.length - 400));
    for (const f of [registerFile, `${registerFile}-wal`].filter(existsSync)) {
      const bytes = readFileSync(f);
      expect(bytes.includes(tail)).toBe(false);
      expect(bytes.includes(key.subarray(key.length - 64))).toBe(false);
    }
  });

  it('journals both signatures of a certification (not its replay) and a two-step completion; a bad code is refused before signing', async () => {
    const before = ((await (await get('/v1/journal?limit=1000', svc.keys.full)).json()) as { records: unknown[] })
      .records.length;
    const res = await certify('HS-J', { 'Kyso-Dossier-Id': 'HS-J' });
    expect(res.status).toBe(201);
    const cert = (await res.json()) as { entries: { eCopySha256: string }[] };
    expect((await certify('HS-J', { 'Kyso-Dossier-Id': 'HS-J' })).status).toBe(200); // replay: nothing signed
    const recs = (
      (await (await get('/v1/journal?dossierId=HS-J', svc.keys.full)).json()) as { records: Record<string, unknown>[] }
    ).records;
    expect(recs.map((r) => [r.operation, r.keyAlias, r.documentSha256])).toEqual([
      ['certify', 'signer', cert.entries[0].eCopySha256],
      ['certify', 'seal', cert.entries[0].eCopySha256],
    ]);

    // Two-step: the service's "officer" certificate, the signature made here with the matching test key.
    const pdf = await pdfLibDoc({ pages: 1 });
    const created = await postPdf(`${svc.url}/v1/signing-sessions?key=signer`, pdf, bearer(svc.keys.full));
    expect(created.status).toBe(201);
    const session = (await created.json()) as { id: string; dataToSign: string };
    const signer = Pkcs12Signer.open(readFileSync(join(TEST_CERTS, 'signer.p12')), 'kyso-test');
    const signatureValue = await signer.sign(new Uint8Array(Buffer.from(session.dataToSign, 'base64')));
    const done = await fetch(`${svc.url}/v1/signing-sessions/${session.id}/complete`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Kyso-Procedure-Code': '1.000001', ...bearer(svc.keys.full) },
      body: JSON.stringify({ signatureValue: Buffer.from(signatureValue).toString('base64') }),
    });
    expect(done.status).toBe(200);
    const out = new Uint8Array(await done.arrayBuffer());
    const two = (
      (await (await get('/v1/journal?procedureCode=1.000001', svc.keys.full)).json()) as {
        records: Record<string, unknown>[];
      }
    ).records;
    expect(two).toMatchObject([{ operation: 'sign', keyAlias: 'signer', documentSha256: sha(out), unit: UNIT }]);

    const bad = await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, {
      ...bearer(svc.keys.full),
      'Kyso-Dossier-Id': 'HS 2026 <script>',
    });
    expect(bad.status).toBe(400);
    const after = ((await (await get('/v1/journal?limit=1000', svc.keys.full)).json()) as { records: unknown[] })
      .records.length;
    expect(after).toBe(before + 3);
  });

  it('needs the journal:read scope and shows a unit only its own records', async () => {
    expect((await get('/v1/journal')).status).toBe(401);
    expect((await get('/v1/journal', svc.keys.signerOnly)).status).toBe(403);
    const other = (await (await get('/v1/journal', svc.keys.otherUnit)).json()) as { records: unknown[] };
    expect(other.records).toEqual([]);
    const page = (await (await get('/v1/journal?limit=2', svc.keys.full)).json()) as {
      records: { id: number }[];
      nextCursor: string;
    };
    expect(page.records).toHaveLength(2);
    const next = (await (await get(`/v1/journal?limit=2&cursor=${page.nextCursor}`, svc.keys.full)).json()) as {
      records: { id: number }[];
    };
    expect(next.records[0].id).toBeGreaterThan(page.records[1].id);
    expect((await get('/v1/journal?cursor=abc', svc.keys.full)).status).toBe(400);
    const doc = (await (await fetch(`${svc.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(doc.paths['/v1/journal'].get['x-kyso-scope']).toBe('journal:read');
    expect(doc.paths['/v1/register/entries'].get['x-kyso-scope']).toBe('register:read');
    const signParams = (doc.paths['/v1/sign'].post.parameters as { name: string; in: string }[])
      .filter((p) => p.in === 'header')
      .map((p) => p.name);
    expect(signParams).toEqual(expect.arrayContaining(['Kyso-Procedure-Code', 'Kyso-Dossier-Id']));
  });
});

describe('a journal that cannot be written', () => {
  const journalCount = async () =>
    ((await (await get('/v1/journal?limit=1000', svc.keys.full)).json()) as { records: unknown[] }).records.length;

  it('POST /v1/sign answers 503 JOURNAL_STORAGE and no PDF: no signature leaves unjournaled', async () => {
    const before = await journalCount();
    const restore = failJournalWrites(registerFile);
    try {
      const res = await postPdf(`${svc.url}/v1/sign?key=signer`, await pdfLibDoc({ pages: 1 }), bearer(svc.keys.full));
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await res.json()) as { code: string; detailVi: string };
      expect(problem.code).toBe('JOURNAL_STORAGE');
      expect(problem.detailVi).toBe('Lỗi lưu trữ nhật ký ký số.');
    } finally {
      restore();
    }
    expect(await journalCount()).toBe(before);
  });

  it('a certification answers 503; its retry replays the issued copy and journals the two signatures then, once', async () => {
    const restore = failJournalWrites(registerFile);
    let failed!: Response;
    try {
      failed = await certify('HS-JFAIL', { 'Kyso-Dossier-Id': 'HS-JFAIL' });
    } finally {
      restore();
    }
    expect(failed.status).toBe(503);
    expect(((await failed.json()) as { code: string }).code).toBe('JOURNAL_STORAGE');
    const journaled = async () =>
      (
        (await (await get('/v1/journal?dossierId=HS-JFAIL', svc.keys.full)).json()) as {
          records: Record<string, unknown>[];
        }
      ).records;
    expect(await journaled()).toEqual([]);
    // The number and the copy were issued before the journal failed (the register is written first): a retry
    // with the same key gets the same copy, and the journal gets its signatures.
    const retry = await certify('HS-JFAIL', { 'Kyso-Dossier-Id': 'HS-JFAIL' });
    expect(retry.status).toBe(200);
    const cert = (await retry.json()) as { entries: { eCopySha256: string }[] };
    const ecopy = await get(`/v1/certifications/${(cert as unknown as { id: string }).id}/ecopy.pdf`, svc.keys.full);
    expect(sha(new Uint8Array(await ecopy.arrayBuffer()))).toBe(cert.entries[0].eCopySha256);
    expect((await journaled()).map((r) => [r.operation, r.keyAlias, r.documentSha256])).toEqual([
      ['certify', 'signer', cert.entries[0].eCopySha256],
      ['certify', 'seal', cert.entries[0].eCopySha256],
    ]);
    expect((await certify('HS-JFAIL', { 'Kyso-Dossier-Id': 'HS-JFAIL' })).status).toBe(200);
    expect(await journaled()).toHaveLength(2); // a replay of a journaled copy records nothing
  });

  it('a closed journal database (storage gone) answers 503 too', async () => {
    const other = await startTestService();
    try {
      await other.services.journal!.close();
      const res = await postPdf(
        `${other.url}/v1/sign?key=signer`,
        await pdfLibDoc({ pages: 1 }),
        bearer(other.keys.full),
      );
      expect(res.status).toBe(503);
      expect(((await res.json()) as { code: string }).code).toBe('JOURNAL_STORAGE');
    } finally {
      await other.stop();
    }
  });
});

describe("closing a year's book (POST /v1/register/books/close)", () => {
  const close = (key: string | undefined, body: unknown) =>
    fetch(`${svc.url}/v1/register/books/close`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(key ? bearer(key) : {}) },
      body: JSON.stringify(body),
    });

  it('needs the register:close scope, refuses while an entry is pending, then records the count of numbers used', async () => {
    const reg = openSqliteRegister(registerFile);
    try {
      const { entries } = await reg.searchEntries({ authorityId: UNIT }, { limit: 1000 });
      const year = entries[0].year;
      expect((await close(undefined, { year })).status).toBe(401);
      for (const key of [svc.keys.signerOnly, svc.keys.otherUnit]) {
        const res = await close(key, { year }); // otherUnit may read, not close
        expect(res.status).toBe(403);
        expect(((await res.json()) as { detail: string }).detail).toContain('register:close');
      }
      for (const bad of [{}, { year: 'x' }, { year, book: '' }, { year, extra: 1 }])
        expect((await close(svc.keys.full, bad)).status, JSON.stringify(bad)).toBe(400);
      expect((await close(svc.keys.full, { year, book: 'SCT/XX' })).status).toBe(400); // not a book this authority keeps

      const pending = entries.filter((e) => e.state === 'pending');
      expect(pending.length).toBeGreaterThan(0);
      const refused = await close(svc.keys.full, { year });
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ code: 'REGISTER_BOOK_PENDING' });
      expect(await reg.getBookClosure(UNIT, 'SCT/BS', year)).toBeNull();

      for (const id of new Set(pending.map((e) => e.requestId)))
        await reg.voidPending(id, 'Người yêu cầu không quay lại');
      const res = await close(svc.keys.full, { year });
      expect(res.status).toBe(200);
      const closing = (await res.json()) as {
        numbersUsed: number;
        issued: number;
        voided: number;
        year: number;
        authority: string;
        volumes: { closedAt: string | null }[];
      };
      const all = (await reg.searchEntries({ authorityId: UNIT, year }, { limit: 1000 })).entries;
      expect(closing).toMatchObject({
        authority: UNIT,
        year,
        numbersUsed: all.length,
        issued: all.filter((e) => e.state === 'issued').length,
        voided: all.filter((e) => e.state === 'void').length,
      });
      expect(closing.numbersUsed).toBe(Math.max(...all.map((e) => e.seqNo)));
      expect(closing.voided).toBe(pending.length);
      expect(closing.volumes.every((v) => v.closedAt !== null)).toBe(true);
      expect(await reg.getBookClosure(UNIT, 'SCT/BS', year)).toMatchObject({ numbersUsed: closing.numbersUsed });

      // Final: a repeat answers the same closing; no number is given in the closed book.
      expect(await (await close(svc.keys.full, { year })).json()).toEqual(closing);
      const after = await certify('HS-AFTER-CLOSE');
      expect(after.status).toBe(409);
      expect(await after.json()).toMatchObject({ code: 'REGISTER_BOOK_CLOSED' });
    } finally {
      await reg.close();
    }
    const doc = (await (await fetch(`${svc.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(doc.paths['/v1/register/books/close'].post['x-kyso-scope']).toBe('register:close');
  });
});
