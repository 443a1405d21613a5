/**
 * certifyElectronicCopy end to end on a real register file: the e-copy verifies in pdfsig (both signatures valid
 * and trusted), pdftotext gives back the statement with the register's number, the entry records the e-copy's
 * hash and the fee once; retries resume or replay; bad input, a revoked certificate and an unknown authority or
 * book record nothing; a failure after the number is reserved leaves it pending for a retry; refusals; paper copies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  KysoError,
  certifyElectronicCopy,
  certifyPaperCopies,
  planElectronicCopy,
  STATEMENT_WORDING,
  refuseCertification,
  tsaTimestamper,
  type CertifyElectronicCopyInput,
  type Certifier,
} from '@kyso/core';
import { openSqliteRegister, type SqliteRegister } from '@kyso/core/register-sqlite';
import { makeNssDb, type NssDb } from '../../../tests/helpers/nss.js';
import { openSigner } from '../../../tests/helpers/keys.js';
import { startTsa, type TsaServer } from '../../../tests/helpers/pki-servers.js';
import { run, scratch } from '../../../tests/helpers/tools.js';
import { scanPng } from './fixtures/ecopy/scans.js';

const tmp = scratch('kyso-certification-');
let nss: NssDb;
let tsa: TsaServer;
beforeAll(async () => {
  nss = makeNssDb();
  tsa = await startTsa();
});
afterAll(async () => {
  await tsa?.stop();
  nss?.cleanup();
  tmp.cleanup();
});

const AUTH = 'UBND-KINH-BAC';
const certifier: Certifier = {
  name: 'Nguyễn Thị Lấp Lánh Ánh',
  title: 'PHÓ CHỦ TỊCH',
  basis: 'authorised',
  basisReference: 'Quyết định số 12/QĐ-UBND ngày 03/11/2025',
};
const signers = { certifier: { signer: openSigner('signer.p12') }, authority: { signer: openSigner('seal.p12') } };
const pages = (n: number, seed = 1) => ({
  images: Array.from({ length: n }, (_, i) => ({ bytes: scanPng(620, 877, { seed: seed * 100 + i }), dpi: 75 })),
});

let counter = 0;
async function freshRegister(options: { electronicBookType?: string } = {}): Promise<SqliteRegister> {
  // The register's clock decides the number's year and the statement's date; fixed so the text is known.
  const reg = openSqliteRegister(tmp.file(`reg-${++counter}.sqlite`), {
    clock: () => new Date('2026-03-15T02:41:27Z'),
  });
  await reg.upsertAuthority({
    id: AUTH,
    name: 'Ủy ban nhân dân phường Kinh Bắc',
    electronicBookType: options.electronicBookType,
  });
  return reg;
}

function input(
  register: SqliteRegister,
  key: string,
  extra: Partial<CertifyElectronicCopyInput> = {},
): CertifyElectronicCopyInput {
  return {
    register,
    idempotencyKey: key,
    authority: AUTH,
    certifier,
    requester: { name: 'Trần Văn Bình' },
    documentName: 'Bằng tốt nghiệp trung học phổ thông',
    scan: pages(3),
    signers,
    certificateCheck: { revocation: 'require' },
    delivery: { channel: 'KHO_DVCQG' },
    ...extra,
  };
}

function textLines(path: string, page: number): string[] {
  const r = run('pdftotext', ['-f', String(page), '-l', String(page), path, '-']);
  expect(r.status).toBe(0);
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

async function code(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KysoError);
  return (e as KysoError).code;
}

async function nothingRecorded(reg: SqliteRegister): Promise<void> {
  expect(await reg.listEntries({ authorityId: AUTH })).toEqual([]);
  expect(await reg.listPending()).toEqual([]);
  expect(await reg.listBooks(AUTH)).toEqual([]);
}

describe('certifyElectronicCopy', () => {
  it('issues an e-copy that pdfsig verifies (both signatures valid and trusted) with the register number in its statement', async () => {
    const reg = await freshRegister();
    const res = await certifyElectronicCopy(
      input(reg, 'dossier-1', { verificationRef: (e) => `https://dichvucong.example.vn/tra-cuu/${e.year}-${e.seqNo}` }),
    );
    expect(res).toMatchObject({ resumed: false, replayed: false });
    expect(res.entry).toMatchObject({
      seqNo: 1,
      certificationNumber: '1 quyển số 01/2026 SCT/BS',
      state: 'issued',
      originalPages: 3,
      paperCopies: 0,
      electronicCopy: true,
      fee: 5_000,
      requesterName: 'Trần Văn Bình',
      documentName: 'Bằng tốt nghiệp trung học phổ thông',
      certifier,
      deliveryChannel: 'KHO_DVCQG',
    });
    expect(res.sha256).toBe(createHash('sha256').update(res.pdf).digest('hex'));
    expect(res.entry.eCopySha256).toBe(res.sha256);
    expect(res.fee.total).toBe(5_000);

    const path = tmp.file('ecopy-1.pdf', res.pdf);
    const sigs = nss.pdfsig(path).signatures;
    expect(sigs.map((s) => s.signerCN)).toEqual(['Nguyễn Thị Lấp Lánh Ánh', 'Ủy ban nhân dân phường Kinh Bắc']);
    for (const s of sigs) expect(s, s.raw).toMatchObject({ valid: true, trusted: true });
    const last = textLines(path, 4); // three full-size pages, then the certification page
    const at = last.indexOf('Chứng thực bản sao đúng với bản chính.');
    expect(last.slice(at, at + 3)).toEqual([
      'Chứng thực bản sao đúng với bản chính.',
      `Số chứng thực ${res.entry.certificationNumber}`,
      'Ngày 15 tháng 3 năm 2026',
    ]);
    expect(last).toContain('PHÓ CHỦ TỊCH');
    expect(textLines(path, 1)).toContain('Tra cứu: https://dichvucong.example.vn/tra-cuu/2026-1');
    expect(textLines(path, 1)).toContain('Thời điểm chuyển đổi: 2026-03-15T09:41:27+07:00');

    // Looked up by its hash, the file leads back to its entry.
    expect((await reg.findEntriesByECopyHash(res.sha256)).map((e) => e.id)).toEqual([res.entry.id]);
  });

  it('paper copies issued in parallel: one entry, one number, one fee (the e-copy is free)', async () => {
    const reg = await freshRegister();
    const res = await certifyElectronicCopy(input(reg, 'parallel', { scan: pages(10), paperCopies: 2 }));
    expect(res.fee.total).toBe(24_000);
    expect(res.entry).toMatchObject({ paperCopies: 2, electronicCopy: true, originalPages: 10, fee: 24_000, seqNo: 1 });
    expect(await reg.listEntries({ authorityId: AUTH })).toHaveLength(1);
  });

  it('with a TSA the copy is B-LTA (two signature timestamps, the document timestamp and its size probe) and still verifies', async () => {
    const reg = await freshRegister();
    const before = tsa.requests;
    const res = await certifyElectronicCopy(input(reg, 'bt', { scan: pages(1), tsa: tsaTimestamper(tsa.url) }));
    expect(tsa.requests - before).toBe(4);
    expect(res.entry.signingEvidence?.level).toBe('B-LTA');
    // pdfsig does not verify document timestamps ("not yet verified"): the two signatures are what it judges.
    const sigs = nss.pdfsig(tmp.file('bt.pdf', res.pdf)).signatures;
    expect(sigs.map((s) => s.field)).toEqual(['NguoiThucHienChungThuc', 'CoQuanChungThuc', 'Timestamp1']);
    for (const s of sigs.slice(0, 2)) expect(s, s.raw).toMatchObject({ valid: true, trusted: true });
  });

  it('a retry after issue gives back the same file: no second entry, no second fee', async () => {
    const reg = await freshRegister();
    const first = await certifyElectronicCopy(input(reg, 'retry'));
    const again = await certifyElectronicCopy(input(reg, 'retry'));
    expect(again).toMatchObject({ resumed: true, replayed: true, sha256: first.sha256 });
    expect(Buffer.from(again.pdf).equals(Buffer.from(first.pdf))).toBe(true);
    expect(await reg.listEntries({ authorityId: AUTH })).toHaveLength(1);
    // The same key with another scan is another request: refused, not merged.
    expect(await code(certifyElectronicCopy(input(reg, 'retry', { scan: pages(3, 2) })))).toBe(
      'REGISTER_IDEMPOTENCY_CONFLICT',
    );
  });

  it('a failure after the number is reserved leaves it pending; a retry with the key completes it under the same number', async () => {
    const reg = await freshRegister();
    const brokenTsa = tsaTimestamper('http://127.0.0.1:9/');
    const err = await certifyElectronicCopy(input(reg, 'tsa-down', { tsa: brokenTsa })).then(
      () => null,
      (e: unknown) => e as KysoError,
    );
    expect(err).toBeInstanceOf(KysoError);
    expect(err!.code).toMatch(/^TSA_/);
    expect(err!.details.certification).toMatchObject({
      idempotencyKey: 'tsa-down',
      certificationNumber: '1 quyển số 01/2026 SCT/BS',
      state: 'pending',
    });
    expect((await reg.listPending()).map((r) => r.idempotencyKey)).toEqual(['tsa-down']);

    const other = await certifyElectronicCopy(input(reg, 'meanwhile', { scan: pages(2, 3) }));
    expect(other.entry.seqNo).toBe(2);
    const done = await certifyElectronicCopy(input(reg, 'tsa-down', { tsa: tsaTimestamper(tsa.url) }));
    expect(done).toMatchObject({ resumed: true, replayed: false, entry: { seqNo: 1, state: 'issued' } });
    expect((await reg.listEntries({ authorityId: AUTH })).map((e) => [e.seqNo, e.state])).toEqual([
      [1, 'issued'],
      [2, 'issued'],
    ]);
  });

  it('a crash between reserve and complete (the reservation made, nothing built) resumes on retry', async () => {
    const reg = await freshRegister();
    const plan = await planElectronicCopy(input(reg, 'crashed'));
    const reserved = await reg.reserve(plan.reserve);
    expect(reserved.request.state).toBe('pending');
    const res = await certifyElectronicCopy(input(reg, 'crashed'));
    expect(res).toMatchObject({
      resumed: true,
      replayed: false,
      entry: { id: reserved.request.entries[0].id, seqNo: 1, state: 'issued' },
    });
  });

  it('writes dates as Decree 30/2020 does: a zero before days below 10 and months 1 and 2 only', () => {
    expect(STATEMENT_WORDING.date(5, 3, 2026)).toBe('Ngày 05 tháng 3 năm 2026');
    expect(STATEMENT_WORDING.date(15, 1, 2026)).toBe('Ngày 15 tháng 01 năm 2026');
    expect(STATEMENT_WORDING.date(1, 2, 2026)).toBe('Ngày 01 tháng 02 năm 2026');
    expect(STATEMENT_WORDING.date(31, 12, 2026)).toBe('Ngày 31 tháng 12 năm 2026');
  });

  it('a card scanned front and back is one page for the fee: two paper copies cost 4,000', async () => {
    const reg = await freshRegister();
    const card = await planElectronicCopy(
      input(reg, 'card', { scan: pages(2), paperCopies: 2, originalIsCard: true, documentName: 'Căn cước công dân' }),
    );
    expect(card.fee.total).toBe(4_000);
    expect(card.fee.lines[0]).toMatchObject({ original: 1, pages: 1, card: true });
    const sheets = await planElectronicCopy(input(reg, 'sheets', { scan: pages(2), paperCopies: 2 }));
    expect(sheets.fee.total).toBe(8_000); // the same two pages as a two-page document
  });

  it('a voided request cannot be resumed', async () => {
    const reg = await freshRegister();
    const plan = await planElectronicCopy(input(reg, 'void-me'));
    const { request } = await reg.reserve(plan.reserve);
    await reg.voidPending(request.id, 'Người yêu cầu rút hồ sơ');
    expect(await code(certifyElectronicCopy(input(reg, 'void-me')))).toBe('CERTIFY_VOIDED');
    expect((await reg.listEntries({ authorityId: AUTH })).map((e) => [e.seqNo, e.state])).toEqual([[1, 'void']]);
  });

  it('numbers an e-copy alone in the separate electronic book when one is configured; a parallel one in the paper book', async () => {
    const reg = await freshRegister({ electronicBookType: 'SCTĐT/BS' });
    const alone = await certifyElectronicCopy(input(reg, 'e-alone', { scan: pages(1) }));
    const both = await certifyElectronicCopy(input(reg, 'e-both', { scan: pages(1, 2), paperCopies: 1 }));
    expect(alone.entry.certificationNumber).toBe('1 quyển số 01/2026 SCTĐT/BS');
    expect(both.entry.certificationNumber).toBe('1 quyển số 01/2026 SCT/BS');
    const text = textLines(tmp.file('e-alone.pdf', alone.pdf), 2); // the certification page after the scan
    expect(text).toContain('Số chứng thực 1 quyển số 01/2026 SCTĐT/BS');
  });
});

/** A PNG whose header claims the given size (the decoder never gets that far). */
function pngClaiming(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', Buffer.alloc(0)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

describe('bad input: a typed error and nothing recorded', () => {
  it.each<[string, Partial<CertifyElectronicCopyInput>, RegExp]>([
    [
      'a file that is not an image',
      { scan: { images: [new TextEncoder().encode('GIF89a not a scan at all')] } },
      /^ECOPY_IMAGE_UNSUPPORTED$/,
    ],
    [
      'an image of absurd dimensions',
      { scan: { images: [pngClaiming(200_000, 3)] } },
      /^ECOPY_IMAGE_(BAD_SIZE|TOO_LARGE)$/,
    ],
    ['no pages at all', { scan: { images: [] } }, /^ECOPY_(NO_PAGES|BAD_INPUT)$/],
    ['negative paper copies', { paperCopies: -1 }, /^CERTIFY_BAD_INPUT$/],
    ['an unknown authority', { authority: 'UBND-NOWHERE' }, /^REGISTER_UNKNOWN_AUTHORITY$/],
    ['an unknown book', { book: 'SCT/XYZ' }, /^REGISTER_UNKNOWN_BOOK$/],
    [
      'the same key for certifier and authority',
      { signers: { certifier: signers.certifier, authority: signers.certifier } },
      /^CERTIFY_BAD_INPUT$/,
    ],
    [
      'a revoked certifier certificate',
      { signers: { certifier: { signer: openSigner('revoked.p12') }, authority: signers.authority } },
      /^SIGN_CERT_REVOKED$/,
    ],
    [
      'an expired certifier certificate',
      { signers: { certifier: { signer: openSigner('expired.p12') }, authority: signers.authority } },
      /^SIGN_CERT_EXPIRED$/,
    ],
    ['no requester name', { requester: { name: ' ' } }, /^CERTIFY_BAD_INPUT$/],
  ])('%s', async (_name, extra, expected) => {
    const reg = await freshRegister();
    expect(await code(certifyElectronicCopy(input(reg, 'bad', extra)))).toMatch(expected);
    await nothingRecorded(reg);
  });
});

describe('refusals and paper copies', () => {
  it('refuseCertification records the Art. 22 ground: no number, no fee; the slip cites it', async () => {
    const reg = await freshRegister();
    const r = await refuseCertification({
      register: reg,
      idempotencyKey: 'refuse',
      authority: AUTH,
      certifier,
      requester: { name: 'Lê Thị Cúc' },
      documentName: 'Giấy tờ tự lập',
      reason: 'SELF_MADE_UNCERTIFIED',
      text: 'Không có xác nhận, đóng dấu',
    });
    expect(r.request).toMatchObject({ state: 'refused', fee: null, entries: [] });
    expect(r.slip).toContain(
      'Lý do: Giấy tờ, văn bản do cá nhân tự lập nhưng không có xác nhận và đóng dấu của cơ quan, tổ chức có thẩm quyền (khoản 6 Điều 22 Nghị định 23/2015/NĐ-CP)',
    );
    // the authority by name, and the time in Vietnam time, never UTC
    expect(r.slip).toContain(`Cơ quan: ${(await reg.getAuthority(AUTH))!.name}`);
    const when = r.slip.find((l) => l.startsWith('Thời điểm: '));
    expect(when).toMatch(/^Thời điểm: \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} \+07:00$/);
    expect(await reg.listEntries({ authorityId: AUTH })).toEqual([]);
    expect(await code(certifyElectronicCopy(input(reg, 'refuse')))).toBe('REGISTER_IDEMPOTENCY_CONFLICT');
    expect((await certifyElectronicCopy(input(reg, 'after-refusal'))).entry.seqNo).toBe(1);
  });

  it('certifyPaperCopies: the mixed example gives two numbers and 9,000 VND', async () => {
    const reg = await freshRegister();
    const { request } = await certifyPaperCopies({
      register: reg,
      idempotencyKey: 'paper',
      authority: AUTH,
      certifier,
      requester: { name: 'Trần Văn A' },
      originals: [
        { documentName: 'Căn cước công dân', doubleSidedCard: true, paperCopies: 2 },
        { documentName: 'Học bạ', pages: 3, paperCopies: 1 },
      ],
    });
    expect(request.state).toBe('issued');
    expect(request.fee?.total).toBe(9_000);
    expect(request.entries.map((e) => [e.seqNo, e.originalPages, e.paperCopies, e.fee])).toEqual([
      [1, 1, 2, 4_000],
      [2, 3, 1, 5_000],
    ]);
  });
});
