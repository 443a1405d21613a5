/**
 * Deadlines and the monthly report through HTTP against a real listening server: the receipt time, extension and
 * payment channel in the certification request; the due time and the appointment slip (a PDF pdftotext reads);
 * the e-copy's delivery; the monthly figures as JSON, CSV and the HTML page; the reports scopes; the OpenAPI
 * document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDueTime, monthPeriod, vietnamDay } from '@kyso/core';
import { createApiKey } from '@kyso/server';
import { pdfLibDoc } from './helpers/producers.js';
import { run, scratch } from './helpers/tools.js';
import { bearer, startTestService, type TestService } from '../packages/server/test/helpers/test-service.js';

const UNIT = 'UBND phường Kinh Bắc';
const tmp = scratch('kyso-service-reports-');
const full = createApiKey({
  id: 'full',
  unit: UNIT,
  aliases: ['signer', 'seal'],
  externalCertificates: false,
  scopes: ['reports'],
});
const province = createApiKey({
  id: 'province',
  unit: 'Sở Tư pháp',
  aliases: [],
  externalCertificates: false,
  scopes: ['reports:all'],
});
const noScope = createApiKey({ id: 'no-scope', unit: UNIT, aliases: ['signer', 'seal'], externalCertificates: false });
let svc: TestService;
let scan: Uint8Array;

beforeAll(async () => {
  // Revocation checks are not what this file tests: off, so it does not depend on the shared test OCSP responder.
  svc = await startTestService({
    config: { apiKeys: [full.entry, province.entry, noScope.entry], signing: { revocation: 'off' } },
  });
  scan = await pdfLibDoc({ pages: 1, objectStreams: false, text: 'Giay khai sinh' });
});
afterAll(async () => {
  await svc?.stop();
  tmp.cleanup();
});

const post = (path: string, body: unknown, key = full.key) =>
  fetch(`${svc.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...bearer(key) },
    body: JSON.stringify(body),
  });

function request(key: string, extra: Record<string, unknown> = {}) {
  return {
    idempotencyKey: key,
    certifierKey: 'signer',
    certifier: { basis: 'assigned' },
    requester: { name: 'Đỗ Văn Hùng' },
    documentName: 'Giấy khai sinh',
    paperCopies: 1,
    scan: { pdf: Buffer.from(scan).toString('base64') },
    ...extra,
  };
}

/** This month in Vietnam time, YYYY-MM. */
const thisMonth = () => vietnamDay(new Date()).slice(0, 7);

describe('deadlines over HTTP', () => {
  let cert: Record<string, any>;
  // Received an hour ago (the clock of this run), a one-day extension: due on a later working day.
  const receivedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 3600_000).toISOString();

  it('records the receipt, extension and payment channel, and answers the due time and the slip link', async () => {
    const res = await post(
      '/v1/certifications',
      request('HS-DL-1', {
        receivedAt,
        extension: { workingDays: 1, reason: 'Bản chính nhiều trang' },
        paymentChannel: 'ONLINE',
      }),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    cert = await res.json();
    const expected = computeDueTime(new Date(receivedAt), {
      extension: { workingDays: 1, reason: 'Bản chính nhiều trang' },
    });
    expect(cert).toMatchObject({
      receivedAt: new Date(receivedAt).toISOString(),
      dueAt: expected.dueAt,
      extension: { workingDays: 1, reason: 'Bản chính nhiều trang' },
      paymentChannel: 'ONLINE',
      deliveredAt: null,
      returnedAt: null,
      deadline: 'open',
      appointmentSlip: `/v1/certifications/${encodeURIComponent(cert.id)}/appointment-slip.pdf`,
    });
  });

  it('gives the appointment slip as a PDF in Vietnamese', async () => {
    const res = await fetch(`${svc.url}${cert.appointmentSlip}`, { headers: bearer(full.key) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const path = tmp.file('slip.pdf', new Uint8Array(await res.arrayBuffer()));
    const text = run('pdftotext', ['-enc', 'UTF-8', path, '-']).stdout.replace(/\s+/g, ' ');
    for (const s of [
      'PHIẾU HẸN TRẢ KẾT QUẢ',
      'Ủy ban nhân dân phường Kinh Bắc',
      'Người yêu cầu: Đỗ Văn Hùng',
      'Giấy khai sinh',
      'Hẹn trả kết quả:',
      'Bản chính nhiều trang',
    ])
      expect(text).toContain(s);
    expect((await fetch(`${svc.url}${cert.appointmentSlip}`, { headers: bearer(province.key) })).status).toBe(403); // another unit
  });

  it("records the e-copy's delivery: returned on time; a repeat keeps the first time", async () => {
    const res = await post(`/v1/certifications/${encodeURIComponent(cert.id)}/delivery`, {});
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await res.json();
    expect(body.deadline).toBe('returned-on-time');
    expect(body.returnedAt).toBe(body.deliveredAt);
    const again = await (
      await post(`/v1/certifications/${encodeURIComponent(cert.id)}/delivery`, { at: new Date().toISOString() })
    ).json();
    expect(again.deliveredAt).toBe(body.deliveredAt);
  });

  it('refuses a long extension without a written agreement (400, Vietnamese message), and allocates nothing', async () => {
    const res = await post(
      '/v1/certifications',
      request('HS-DL-2', { extension: { workingDays: 3, reason: 'Nhiều bản' } }),
    );
    expect(res.status).toBe(400);
    const p = await res.json();
    expect(p.code).toBe('DEADLINE_EXTENSION_TOO_LONG');
    expect(p.detailVi).toMatch(/văn bản/);
    const future = await post(
      '/v1/certifications',
      request('HS-DL-3', { receivedAt: new Date(Date.now() + 3600_000).toISOString() }),
    );
    expect(future.status).toBe(400);
    const next = await (await post('/v1/certifications', request('HS-DL-4', { paymentChannel: 'CASH' }))).json();
    expect(next.entries[0].seqNo).toBe(2); // no number was spent on the refused ones
  });
});

describe('the monthly report over HTTP', () => {
  it('gives the unit its figures as JSON (reports scope)', async () => {
    const res = await post('/v1/reports/monthly', {
      month: thisMonth(),
      totals: { [UNIT]: { resultsReturned: 4, dossiersReceived: 10, dossiersDigitised: 5 } },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const r = await res.json();
    expect(r.scope.unit).toBe(UNIT);
    expect(r.period).toEqual(monthPeriod(thisMonth()));
    expect(r.units).toHaveLength(1);
    const u = r.units[0];
    // Two requests, each one original of one page with a paper copy and the e-copy (2,000 VND, one online, one cash).
    expect(u.certifications).toEqual({ total: 2, paper: 0, electronic: 0, both: 2, requests: 2 });
    expect(u.electronicResultsSigned).toBe(2);
    expect(u.fees).toEqual({ total: 4_000, cash: 2_000, online: 2_000, unspecified: 0, requests: 2, paidOnline: 1 });
    expect(u.deadlines).toMatchObject({ returned: 1, onTime: 1, late: 0 });
    expect(u.rates).toEqual({ onTime: 1, onlinePayment: 0.5, electronicResults: 0.5, digitisation: 0.5 });
  });

  it('gives CSV, and the HTML page with its figures, charts and a strict CSP', async () => {
    const csv = await post('/v1/reports/monthly', { month: thisMonth(), format: 'csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).replace('\ufeff', '').trim().split('\r\n');
    expect(lines).toHaveLength(3); // header, the unit, the total
    expect(lines[1]).toContain(`${thisMonth()},${UNIT},Ủy ban nhân dân phường Kinh Bắc,2,0,0,2,2`);

    const page = await fetch(`${svc.url}/v1/reports/monthly.html?month=${thisMonth()}&resultsReturned=4`, {
      headers: bearer(full.key),
    });
    expect(page.status, await page.clone().text()).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<svg id="chart-units"');
    expect(html).toContain('<svg id="chart-trend"');
    expect(html).toContain('<svg id="chart-on-time"');
    expect(html).toContain(`data-unit="${UNIT}" data-field="certifications.total" data-kind="count" data-value="2"`);
    expect(html).toContain(`data-field="rates.electronicResults" data-kind="rate" data-value="0.5"`);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('needs a reports scope; the own-unit scope sees only its unit; reports:all sees every unit', async () => {
    expect((await post('/v1/reports/monthly', { month: thisMonth() }, noScope.key)).status).toBe(403);
    expect(
      (await fetch(`${svc.url}/v1/reports/monthly.html?month=${thisMonth()}`, { headers: bearer(noScope.key) })).status,
    ).toBe(403);
    expect((await post('/v1/reports/monthly', { month: thisMonth() })).status).toBe(200);
    expect((await post('/v1/reports/monthly', { month: thisMonth(), unit: 'Sở Tư pháp' })).status).toBe(403);
    expect((await fetch(`${svc.url}/v1/reports/monthly.html?month=${thisMonth()}`)).status).toBe(401);
    const all = await (await post('/v1/reports/monthly', { month: thisMonth() }, province.key)).json();
    expect(all.scope.unit).toBeNull();
    expect(all.units.map((u: { unit: { id: string } }) => u.unit.id)).toEqual([UNIT]);
    expect(all.total.certifications.total).toBe(2);
    const bad = await post('/v1/reports/monthly', { month: '2026-13' }, province.key);
    expect(bad.status).toBe(400);
    const unknown = await post('/v1/reports/monthly', { month: thisMonth(), unit: 'Không có' }, province.key);
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).code).toBe('REPORT_BAD_INPUT');
  });

  it('documents the new routes in the OpenAPI document', async () => {
    const doc = await (await fetch(`${svc.url}/openapi.json`)).json();
    for (const [path, method] of [
      ['/v1/reports/monthly', 'post'],
      ['/v1/reports/monthly.html', 'get'],
      ['/v1/certifications/{id}/delivery', 'post'],
      ['/v1/certifications/{id}/appointment-slip.pdf', 'get'],
      ['/v1/certifications/{id}/extension', 'post'],
    ])
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    expect(doc.paths['/v1/reports/monthly.html'].get.responses['200'].content['text/html']).toBeDefined();
    expect(doc.components.schemas.MonthlyReport).toBeDefined();
    expect(doc.components.schemas.CertificationRequest.properties.receivedAt).toBeDefined();
    expect(doc.components.schemas.CertificationRequest.properties.extension).toBeDefined();
  });
});

// After the monthly figures above (its certification would change them).
describe('extensions after receipt over HTTP', () => {
  it('records extensions agreed after receipt: the due time moves, the limits count them together, the slip gives it', async () => {
    const created = await (
      await post(
        '/v1/certifications',
        request('HS-DL-LATER', { receivedAt: new Date(Math.floor(Date.now() / 1000) * 1000 - 3600_000).toISOString() }),
      )
    ).json();
    expect(created.extension).toBeNull();
    const url = `/v1/certifications/${encodeURIComponent(created.id)}/extension`;
    const one = await post(url, { workingDays: 1, reason: 'Nội dung phức tạp, khó kiểm tra' });
    expect(one.status, await one.clone().text()).toBe(200);
    const ext1 = { workingDays: 1, reason: 'Nội dung phức tạp, khó kiểm tra' };
    expect(await one.json()).toMatchObject({
      dueAt: computeDueTime(new Date(created.receivedAt), { extension: ext1 }).dueAt,
      extension: ext1,
      deadline: 'open',
    });
    // Two more make 3 in all: a written agreement is needed.
    const tooLong = await post(url, { workingDays: 2, reason: 'Nhiều bản sao' });
    expect(tooLong.status).toBe(400);
    expect((await tooLong.json()).code).toBe('DEADLINE_EXTENSION_TOO_LONG');
    const three = await (await post(url, { workingDays: 2, reason: 'Nhiều bản sao', writtenAgreement: true })).json();
    const ext3 = { workingDays: 3, reason: 'Nội dung phức tạp, khó kiểm tra; Nhiều bản sao', writtenAgreement: true };
    expect(three).toMatchObject({
      dueAt: computeDueTime(new Date(created.receivedAt), { extension: ext3 }).dueAt,
      extension: ext3,
    });
    const slip = await fetch(`${svc.url}${three.appointmentSlip}`, { headers: bearer(full.key) });
    const text = run('pdftotext', [
      '-enc',
      'UTF-8',
      tmp.file('slip-later.pdf', new Uint8Array(await slip.arrayBuffer())),
      '-',
    ]).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('Gia hạn: 3 ngày làm việc. Lý do: Nội dung phức tạp, khó kiểm tra; Nhiều bản sao');
    for (const bad of [
      { workingDays: 0, reason: 'x' },
      { workingDays: 1 },
      { workingDays: 1, reason: 'x', extra: 1 },
      { workingDays: 1, reason: 'x', at: 'hôm qua' },
    ]) {
      expect((await post(url, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await post(url, ext1, province.key)).status).toBeGreaterThanOrEqual(403); // another unit's key
    const four = await post(url, { ...ext1, writtenAgreement: true }, noScope.key); // any key of the unit (no read scope needed)
    expect(four.status).toBe(200);
    expect((await four.json()).extension.workingDays).toBe(4);
    // Once returned (the e-copy delivered), no extension.
    await post(`/v1/certifications/${encodeURIComponent(created.id)}/delivery`, {});
    const returned = await post(url, ext1);
    expect(returned.status).toBe(409);
    expect((await returned.json()).code).toBe('DEADLINE_NOT_EXTENSIBLE');
  });
});
