/**
 * Where the statement and the mark go, chosen through `kyso certify --statement-placement / --mark-placement` and
 * `POST /v1/certifications` (`statementPlacement`, `markPlacement`), and a card's two sides on one sheet through `--card` / `originalIsCard`: the e-copy's
 * pages as pdfinfo counts them, the statement's page as pdftotext reads it, both signatures valid in pdfsig.
 * Runs the built CLI and server (`pnpm build` first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pdfLibDoc, repoRoot } from './helpers/producers.js';
import { makeNssDb, type NssDb } from './helpers/nss.js';
import { run, scratch } from './helpers/tools.js';
import { scanPng } from '../packages/core/test/fixtures/ecopy/scans.js';
import { bearer, startTestService, type TestService } from '../packages/server/test/helpers/test-service.js';

const tmp = scratch('kyso-certify-layout-');
const CLI = join(repoRoot, 'packages/cli/dist/main.cjs');
const certs = (f: string) => join(repoRoot, 'test-certs', f);
const STATEMENT = 'Chứng thực bản sao đúng với bản chính.';
const MARK = 'BẢN ĐIỆN TỬ CHUYỂN ĐỔI TỪ VĂN BẢN GIẤY';
let nss: NssDb;
let svc: TestService;
let onePage: Uint8Array;

beforeAll(async () => {
  nss = makeNssDb();
  svc = await startTestService();
  onePage = await pdfLibDoc({ pages: 1, objectStreams: false });
});
afterAll(async () => {
  await svc?.stop();
  nss?.cleanup();
  tmp.cleanup();
});

function kyso(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { encoding: 'utf8', env: { ...process.env, KYSO_PW: 'kyso-test' } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

let n = 0;
function certify(
  scans: string[],
  extra: string[],
): Promise<{ code: number; stdout: string; stderr: string; out: string }> {
  const out = tmp.file(`ecopy-${++n}.pdf`);
  const args = [
    'certify',
    ...scans.flatMap((s) => ['--scan', s]),
    '--paper-copies',
    '0',
    '-o',
    out,
    '--db',
    tmp.file(`reg-${n}.sqlite`),
    '--authority-id',
    'UBND-KINH-BAC',
  ];
  args.push(
    '--certifier-p12',
    certs('signer.p12'),
    '--authority-p12',
    certs('seal.p12'),
    '--password-env',
    'KYSO_PW',
    '--revocation',
    'off',
    '--json',
    ...extra,
  );
  return kyso(args).then((r) => ({ ...r, out }));
}

const pagesOf = (path: string): number => Number(/^Pages:\s+(\d+)$/m.exec(run('pdfinfo', [path]).stdout)?.[1]);
const textOf = (path: string, page: number): string[] =>
  run('pdftotext', ['-f', String(page), '-l', String(page), path, '-'])
    .stdout.split('\n')
    .map((l) => l.trim());

function expectValid(path: string): void {
  const sigs = nss.pdfsig(path).signatures;
  expect(sigs).toHaveLength(2);
  for (const s of sigs) expect(s, s.raw).toMatchObject({ valid: true, trusted: true });
}

describe('kyso certify --statement-placement and --card', () => {
  it('a one-page A4 scan: an added certification page by default, a band under the scan with last-page', async () => {
    const scan = tmp.file('one.pdf', onePage);
    const byDefault = await certify([scan], []);
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect(pagesOf(byDefault.out)).toBe(2);
    expect(textOf(byDefault.out, 2)).toContain(STATEMENT);
    expectValid(byDefault.out);

    const band = await certify([scan], ['--statement-placement', 'last-page']);
    expect(band.code, band.stderr).toBe(0);
    expect(pagesOf(band.out)).toBe(1);
    expect(textOf(band.out, 1)).toContain(STATEMENT);
    expectValid(band.out);

    const added = await certify([scan], ['--statement-placement', 'new-page']);
    expect(pagesOf(added.out)).toBe(2);
  });

  it("--mark-placement statement-page puts the mark on the certification page with the statement, none on the scan's page", async () => {
    const r = await certify([tmp.file('one-m.pdf', onePage)], ['--mark-placement', 'statement-page']);
    expect(r.code, r.stderr).toBe(0);
    expect(pagesOf(r.out)).toBe(2);
    expect(textOf(r.out, 1)).not.toContain(MARK);
    expect(textOf(r.out, 2)).toEqual(expect.arrayContaining([MARK, STATEMENT]));
    expectValid(r.out);
    const bad = await certify([tmp.file('one-n.pdf', onePage)], ['--mark-placement', 'on-the-scan']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('--mark-placement must be first-page or statement-page');
  });

  it('a card scanned front and back without a resolution: one sheet with both sides and the statement', async () => {
    const front = tmp.file('front.png', scanPng(1000, 631, { seed: 1 }));
    const back = tmp.file('back.png', scanPng(1000, 631, { seed: 2 }));
    const r = await certify([front, back], ['--card']);
    expect(r.code, r.stderr).toBe(0);
    expect(pagesOf(r.out)).toBe(1);
    expect(textOf(r.out, 1)).toContain(STATEMENT);
    expectValid(r.out);
  });

  it('an unknown placement is a usage error (64) and nothing is written', async () => {
    const r = await certify([tmp.file('one-b.pdf', onePage)], ['--statement-placement', 'over-the-scan']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('--statement-placement must be auto, last-page or new-page');
    expect(run('test', ['-e', r.out]).status).not.toBe(0);
  });
});

describe('POST /v1/certifications statementPlacement', () => {
  const post = (key: string, extra: Record<string, unknown>) =>
    fetch(`${svc.url}/v1/certifications`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...bearer(svc.keys.full) },
      body: JSON.stringify({
        idempotencyKey: key,
        certifierKey: 'signer',
        certifier: { basis: 'own-competence' },
        requester: { name: 'Trần Thị Bình' },
        documentName: 'Quyết định',
        paperCopies: 0,
        scan: { pdf: Buffer.from(onePage).toString('base64') },
        ...extra,
      }),
    });

  it('last-page gives a one-page e-copy with the statement under the scan; new-page an added page', async () => {
    for (const [placement, pages] of [
      ['last-page', 1],
      ['new-page', 2],
    ] as const) {
      const res = await post(`LAYOUT-${placement}`, { statementPlacement: placement });
      expect(res.status, await res.clone().text()).toBe(201);
      const cert = (await res.json()) as { ecopy: string };
      const pdf = await fetch(`${svc.url}${cert.ecopy}`, { headers: bearer(svc.keys.full) });
      const path = tmp.file(`service-${placement}.pdf`, new Uint8Array(await pdf.arrayBuffer()));
      expect(pagesOf(path)).toBe(pages);
      expect(textOf(path, pages)).toContain(STATEMENT);
      expectValid(path);
    }
  });

  it('markPlacement statement-page: the mark on the certification page, with the statement', async () => {
    const res = await post('LAYOUT-mark', { markPlacement: 'statement-page' });
    expect(res.status, await res.clone().text()).toBe(201);
    const cert = (await res.json()) as { ecopy: string };
    const pdf = await fetch(`${svc.url}${cert.ecopy}`, { headers: bearer(svc.keys.full) });
    const path = tmp.file('service-mark.pdf', new Uint8Array(await pdf.arrayBuffer()));
    expect(pagesOf(path)).toBe(2);
    expect(textOf(path, 1)).not.toContain(MARK);
    expect(textOf(path, 2)).toEqual(expect.arrayContaining([MARK, STATEMENT]));
    expectValid(path);
  });

  it('an unknown placement is refused before anything is numbered', async () => {
    for (const [field, value] of [
      ['statementPlacement', 'over-the-scan'],
      ['markPlacement', 'on-the-scan'],
    ]) {
      const res = await post(`LAYOUT-bad-${field}`, { [field]: value });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { detail?: string }).detail ?? '').toContain(field);
    }
  });
});
