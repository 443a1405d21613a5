/**
 * E-copy certification through HTTP against a real server: a number from the register, the e-copy signed by the
 * certifier and the authority (pdfsig and /v1/verify both pass it), replay by idempotency key, the request and
 * its PDF for the unit only, and the public register lookup showing nothing personal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { pdfLibDoc } from './helpers/producers.js';
import { makeNssDb, type NssDb } from './helpers/nss.js';
import { scratch } from './helpers/tools.js';
import { bearer, postPdf, startTestService, type TestService } from '../packages/server/test/helpers/test-service.js';

let svc: TestService;
let nss: NssDb;
let scan: Uint8Array;
const tmp = scratch('kyso-service-cert-');
const AUTHORITY = 'UBND phường Kinh Bắc';

beforeAll(async () => {
  svc = await startTestService();
  nss = makeNssDb();
  scan = await pdfLibDoc({ pages: 2, objectStreams: false, text: 'Bang tot nghiep' });
});
afterAll(async () => {
  await svc?.stop();
  nss?.cleanup();
  tmp.cleanup();
});

function request(idempotencyKey: string, extra: Record<string, unknown> = {}) {
  return {
    idempotencyKey,
    certifierKey: 'signer',
    certifier: {
      title: 'CÔNG CHỨC TƯ PHÁP - HỘ TỊCH',
      basis: 'assigned',
      basisReference: 'Quyết định số 12/QĐ-UBND ngày 01/11/2025',
    },
    requester: { name: 'Trần Thị Bình', idNumber: '027190009999' },
    documentName: 'Bằng tốt nghiệp đại học',
    paperCopies: 1,
    scan: { pdf: Buffer.from(scan).toString('base64') },
    ...extra,
  };
}

const certify = (body: unknown, key = svc.keys.full) =>
  fetch(`${svc.url}/v1/certifications`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...bearer(key) },
    body: JSON.stringify(body),
  });

describe('POST /v1/certifications', () => {
  it('certifies an e-copy whose two signatures verify in pdfsig and in /v1/verify; GET gives the request and the PDF', async () => {
    const res = await certify(request('HS-2026-0001'));
    expect(res.status, await res.clone().text()).toBe(201);
    const cert = (await res.json()) as Record<string, any>;
    expect(cert).toMatchObject({ state: 'issued', authority: AUTHORITY, resumed: false });
    expect(cert.entries).toHaveLength(1);
    const entry = cert.entries[0];
    const year = entry.year;
    expect(entry).toMatchObject({
      seqNo: 1,
      bookType: 'SCT/BS',
      originalPages: 2,
      paperCopies: 1,
      electronicCopy: true,
      state: 'issued',
    });
    expect(entry.certificationNumber).toBe(`1 quyển số 01/${year} SCT/BS`);
    // 2 pages, 1 paper copy: 4,000 VND; the e-copy issued with it costs nothing.
    expect(cert.fee.total).toBe(4_000);
    expect(cert.certifier.name).toBe('Nguyễn Thị Lấp Lánh Ánh');

    const got = await fetch(`${svc.url}/v1/certifications/${encodeURIComponent(cert.id)}`, {
      headers: bearer(svc.keys.full),
    });
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({
      id: cert.id,
      entries: [{ certificationNumber: entry.certificationNumber }],
    });

    const pdfRes = await fetch(`${svc.url}${cert.ecopy}`, { headers: bearer(svc.keys.full) });
    expect(pdfRes.status).toBe(200);
    expect(pdfRes.headers.get('content-type')).toBe('application/pdf');
    const ecopy = new Uint8Array(await pdfRes.arrayBuffer());
    expect(createHash('sha256').update(ecopy).digest('hex')).toBe(entry.eCopySha256);
    const sigs = nss.pdfsig(tmp.file('ecopy.pdf', ecopy)).signatures;
    expect(sigs.map((s) => [s.signerCN, s.valid, s.trusted])).toEqual([
      ['Nguyễn Thị Lấp Lánh Ánh', true, true],
      ['Ủy ban nhân dân phường Kinh Bắc', true, true],
    ]);
    const report = (await (await postPdf(`${svc.url}/v1/verify`, ecopy)).json()) as {
      signatures: { indication: string }[];
    };
    expect(report.signatures.map((s) => s.indication)).toEqual(['TOTAL-PASSED', 'TOTAL-PASSED']);

    // The same idempotency key again: the same number and file, nothing new allocated.
    const replay = await certify(request('HS-2026-0001'));
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({
      id: cert.id,
      resumed: true,
      entries: [{ certificationNumber: entry.certificationNumber }],
    });

    // The public lookup shows the number, the authority, the date and the hash, nothing personal.
    const lookup = await fetch(
      `${svc.url}/v1/register/lookup?authority=${encodeURIComponent(AUTHORITY)}&book=${encodeURIComponent('SCT/BS')}&year=${year}&number=1`,
    );
    expect(lookup.status).toBe(200);
    const text = await lookup.text();
    expect(JSON.parse(text)).toEqual({
      certificationNumber: entry.certificationNumber,
      authority: { id: AUTHORITY, name: 'Ủy ban nhân dân phường Kinh Bắc' },
      bookType: 'SCT/BS',
      year,
      volume: 1,
      seqNo: 1,
      certifiedAt: entry.certifiedAt,
      state: 'issued',
      electronicCopy: true,
      eCopySha256: entry.eCopySha256,
    });
    for (const hidden of ['Trần Thị Bình', '027190009999', 'Bằng tốt nghiệp', 'Quyết định'])
      expect(text).not.toContain(hidden);
    const none = await fetch(
      `${svc.url}/v1/register/lookup?authority=${encodeURIComponent(AUTHORITY)}&book=SCT%2FBS&year=${year}&number=99`,
    );
    expect(none.status).toBe(404);
  });

  it('numbers the next request 2 and charges an e-copy alone as one copy', async () => {
    const res = await certify(request('HS-2026-0002', { paperCopies: 0 }));
    expect(res.status).toBe(201);
    const cert = (await res.json()) as Record<string, any>;
    expect(cert.entries[0].seqNo).toBe(2);
    expect(cert.fee.total).toBe(4_000);
  });

  it('refuses keys of other units (403), keys without the seal (403), requests of another unit (403/404) and a bad scan (422)', async () => {
    expect((await certify(request('HS-X-1'), svc.keys.otherUnit)).status).toBe(403);
    const noSeal = await certify(request('HS-X-2'), svc.keys.signerOnly);
    expect(noSeal.status).toBe(403);
    expect(((await noSeal.json()) as { detail: string }).detail).toContain('"seal"');
    const first = (await (await certify(request('HS-2026-0001'))).json()) as { id: string };
    expect(
      (
        await fetch(`${svc.url}/v1/certifications/${encodeURIComponent(first.id)}`, {
          headers: bearer(svc.keys.otherUnit),
        })
      ).status,
    ).toBe(403);
    expect((await fetch(`${svc.url}/v1/certifications/nope`, { headers: bearer(svc.keys.full) })).status).toBe(404);
    expect((await fetch(`${svc.url}/v1/certifications/${encodeURIComponent(first.id)}`)).status).toBe(401);
    const bad = await certify(request('HS-X-3', { scan: { pdf: Buffer.from('not a scan').toString('base64') } }));
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { code: string }).code).toMatch(/^ECOPY_/);
    const invalid = await certify({ ...request('HS-X-4'), certifier: { basis: 'because' } });
    expect(invalid.status).toBe(400);
  });
});
