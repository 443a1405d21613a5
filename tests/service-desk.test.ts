/**
 * What the desk books, through a real listening service (issue 15 items 2, 5, 6): with a TSA configured an e-copy is
 * B-LTA and its evidence comes back with the entry; paper-only requests with several originals take their numbers in
 * the sequence the e-copies share, the fee once; the configured title is printed; the seal image is drawn;
 * RSASSA-PSS per request; bad paper requests are 400 with nothing booked; a new seal key and name for the unit keep
 * the numbering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { pdfLibDoc } from './helpers/producers.js';
import { startTsa, type TsaServer } from './helpers/pki-servers.js';
import { run, scratch } from './helpers/tools.js';
import { bearer, postPdf, startTestService, type TestService } from '../packages/server/test/helpers/test-service.js';

const tmp = scratch('kyso-service-desk-');
const UNIT = 'UBND phường Kinh Bắc';
let svc: TestService;
let tsa: TsaServer;
let scan: Uint8Array;

function sealPng(): Uint8Array {
  const img = new PNG({ width: 120, height: 120 });
  for (let y = 0; y < 120; y++)
    for (let x = 0; x < 120; x++) {
      const r = Math.hypot(x - 60, y - 60);
      img.data.set(r > 48 && r < 57 ? [215, 20, 30, 255] : [0, 0, 0, 0], (y * 120 + x) * 4);
    }
  return new Uint8Array(PNG.sync.write(img));
}

beforeAll(async () => {
  tsa = await startTsa();
  scan = await pdfLibDoc({ pages: 1, objectStreams: false, text: 'Giay khai sinh' });
  svc = await startTestService({
    config: {
      signing: { revocation: 'require', tsaUrl: tsa.url },
      certification: {
        authorities: {
          [UNIT]: {
            name: 'Ủy ban nhân dân phường Kinh Bắc',
            sealKey: 'seal',
            location: 'Bắc Ninh',
            certifierTitle: 'CÔNG CHỨC TƯ PHÁP - HỘ TỊCH',
            sealImage: tmp.file('seal.png', sealPng()),
            sealSizeMm: 40,
          },
        },
      },
    },
  });
});
afterAll(async () => {
  await svc?.stop();
  await tsa?.stop();
  tmp.cleanup();
});

const post = (path: string, body: unknown, key = svc.keys.full) =>
  fetch(`${svc.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...bearer(key) },
    body: JSON.stringify(body),
  });

const ecopyRequest = (idempotencyKey: string, extra: Record<string, unknown> = {}) => ({
  idempotencyKey,
  certifierKey: 'signer',
  certifier: { basis: 'assigned' },
  requester: { name: 'Trần Thị Bình' },
  documentName: 'Giấy khai sinh',
  paperCopies: 0,
  scan: { pdf: Buffer.from(scan).toString('base64') },
  ...extra,
});

const paperRequest = (idempotencyKey: string) => ({
  idempotencyKey,
  certifier: { name: 'Nguyễn Thị Lấp Lánh Ánh', basis: 'assigned' },
  requester: { name: 'Lê Văn Cường' },
  originals: [
    { documentName: 'Căn cước công dân', card: true, paperCopies: 2 },
    { documentName: 'Quyết định giao đất', pages: 3, paperCopies: 1 },
  ],
});

async function ecopyBytes(cert: { ecopy: string }): Promise<Uint8Array> {
  const res = await fetch(`${svc.url}${cert.ecopy}`, { headers: bearer(svc.keys.full) });
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

const PSS_OID = '06092A864886F70D01010A'; // 1.2.840.113549.1.1.10 in DER, as /Contents hex shows it
const pssCount = (pdf: Uint8Array) => Buffer.from(pdf).toString('latin1').toUpperCase().split(PSS_OID).length - 1;

describe('the desk through the service', () => {
  it('an e-copy is B-LTA with its evidence, the configured title and the seal image; paper originals follow in the same book, one fee; a replay gives the same numbers', async () => {
    const e = await post('/v1/certifications', ecopyRequest('HS-1'));
    expect(e.status, await e.clone().text()).toBe(201);
    const cert = (await e.json()) as Record<string, any>;
    expect(cert.certifier.title).toBe('CÔNG CHỨC TƯ PHÁP - HỘ TỊCH');
    const entry = cert.entries[0];
    expect(entry.seqNo).toBe(1);
    expect(entry.signingEvidence).toMatchObject({ level: 'B-LTA', documentTimestamps: ['Timestamp1'] });
    expect(entry.signingEvidence.ocsps.length).toBeGreaterThan(0);
    const pdf = await ecopyBytes(cert);
    const text = run('pdftotext', [tmp.file('ecopy.pdf', pdf), '-']).stdout;
    expect(text).toContain('CÔNG CHỨC TƯ PHÁP - HỘ TỊCH');
    // The configured seal (120×120 pixels) is among the file's images (pdfimages lists appearance streams' too).
    const images = run('pdfimages', ['-list', tmp.file('ecopy.pdf')]).stdout;
    expect(images).toMatch(/\s120\s+120\s/);
    expect(pssCount(pdf)).toBe(0); // the keys' own scheme: PKCS#1 v1.5
    const report = (await (await postPdf(`${svc.url}/v1/verify`, pdf)).json()) as {
      signatures: { indication: string; level: string | null }[];
    };
    expect(report.signatures.map((s) => [s.indication, s.level])).toEqual([
      ['TOTAL-PASSED', 'B-LTA'],
      ['TOTAL-PASSED', 'B-LTA'],
      ['TOTAL-PASSED', null],
    ]);

    const p = await post('/v1/certifications/paper', paperRequest('HS-2'));
    expect(p.status, await p.clone().text()).toBe(201);
    const paper = (await p.json()) as Record<string, any>;
    expect(paper).toMatchObject({
      state: 'issued',
      resumed: false,
      ecopy: null,
      certifier: { title: 'CÔNG CHỨC TƯ PHÁP - HỘ TỊCH' },
    });
    expect(
      paper.entries.map((x: any) => [
        x.seqNo,
        x.documentName,
        x.originalPages,
        x.paperCopies,
        x.electronicCopy,
        x.signingEvidence,
      ]),
    ).toEqual([
      [2, 'Căn cước công dân', 1, 2, false, null],
      [3, 'Quyết định giao đất', 3, 1, false, null],
    ]);
    expect(paper.fee.total).toBe(9_000);

    const again = await post('/v1/certifications/paper', paperRequest('HS-2'));
    expect(again.status).toBe(200);
    expect(((await again.json()) as any).entries.map((x: any) => x.seqNo)).toEqual([2, 3]);
    const got = await fetch(`${svc.url}/v1/certifications/${encodeURIComponent(paper.id)}`, {
      headers: bearer(svc.keys.full),
    });
    expect(((await got.json()) as any).entries).toHaveLength(2);

    const next = await post('/v1/certifications', ecopyRequest('HS-3', { signatureScheme: 'rsa-pss' }));
    expect(next.status, await next.clone().text()).toBe(201);
    const pss = (await next.json()) as Record<string, any>;
    expect(pss.entries[0].seqNo).toBe(4);
    const pssPdf = await ecopyBytes(pss);
    expect(pssCount(pssPdf)).toBeGreaterThanOrEqual(2); // both CMS signatures are RSASSA-PSS
    const pssReport = (await (await postPdf(`${svc.url}/v1/verify`, pssPdf)).json()) as {
      signatures: { indication: string }[];
    };
    expect(pssReport.signatures.map((s) => s.indication)).toEqual(['TOTAL-PASSED', 'TOTAL-PASSED', 'TOTAL-PASSED']);
  });

  it('a paper request that is not valid is 400 with nothing booked; another unit cannot book here', async () => {
    const bad = paperRequest('HS-bad');
    bad.originals[1] = { documentName: 'Không số trang', paperCopies: 1 } as never;
    const r = await post('/v1/certifications/paper', bad);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    const none = await post('/v1/certifications/paper', { ...paperRequest('HS-none'), originals: [] });
    expect(none.status).toBe(400);
    const other = await post('/v1/certifications/paper', paperRequest('HS-other'), svc.keys.otherUnit);
    expect(other.status).toBe(403);
    const scheme = await post('/v1/certifications', ecopyRequest('HS-scheme', { signatureScheme: 'rsa-oaep' }));
    expect(scheme.status).toBe(400);
  });

  it("a new seal key and a new name for the unit (a commune merger) keep the year's numbering after a restart", async () => {
    const before = (await (await post('/v1/certifications', ecopyRequest('HS-merge-1'))).json()) as Record<string, any>;
    const n = before.entries[0].seqNo;
    const config = JSON.parse(readFileSync(svc.configFile, 'utf8'));
    config.certification.authorities[UNIT] = {
      ...config.certification.authorities[UNIT],
      name: 'Ủy ban nhân dân phường Kinh Bắc Mới',
      sealKey: 'signer-ec',
    };
    writeFileSync(svc.configFile, JSON.stringify(config));
    await svc.close();
    svc = await svc.restart();
    const after = await post('/v1/certifications', ecopyRequest('HS-merge-2'));
    expect(after.status, await after.clone().text()).toBe(201);
    const cert = (await after.json()) as Record<string, any>;
    expect(cert).toMatchObject({ authority: UNIT, entries: [{ seqNo: n + 1 }] });
    const pdf = await ecopyBytes(cert);
    expect(run('pdftotext', [tmp.file('merged.pdf', pdf), '-']).stdout).toContain(
      'Ủy ban nhân dân phường Kinh Bắc Mới',
    );
    const report = (await (await postPdf(`${svc.url}/v1/verify`, pdf)).json()) as {
      signatures: { indication: string }[];
    };
    expect(report.signatures.slice(0, 2).map((s) => s.indication)).toEqual(['TOTAL-PASSED', 'TOTAL-PASSED']);
  });
});
