/**
 * examples/verify-web in a real headless Chromium (Debian's /usr/bin/chromium through playwright-core): the page,
 * running @kyso/verify on WebCrypto, reaches the same verdicts as validatePdf in Node for the same bytes, trust
 * roots and validation time, shows them in Vietnamese, and talks to nothing but its own origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { placeText, trustProfile, validatePdf, vietnamTime, type ValidationReport } from '@kyso/verify';
import { signPdf } from '@kyso/core';
import { corpusDir, pdfLibDoc, repoRoot } from './helpers/producers.js';
import { openSigner, pem } from './helpers/keys.js';
import { buildVerifyWeb } from '../examples/verify-web/build.mjs';
import { serveVerifyWeb } from '../examples/verify-web/serve.mjs';

const CHROMIUM = '/usr/bin/chromium';

interface Case {
  /** The file name the page is given. */
  name: string;
  bytes: Uint8Array;
  /** A corpus root (path under the corpus), or 'kyso' for the kyso test root preloaded by ?test-root=1, or none. */
  root: string | 'kyso' | null;
  at: Date;
}

/** The corpus rows used here: RSA and ECDSA (P-384) signatures, which WebCrypto in Chromium verifies. */
const CORPUS = [
  'pyhanko/certified-with-indirect-refs-in-dir.pdf', // TOTAL-PASSED, certification signature
  'pyhanko/pades-lta-dss-indirect-arrs-test-2.pdf', // two signatures and a document timestamp, DSS updates
  'pyhanko/minimal-signed-twice-no-sig-type.pdf', // ECDSA P-384, untrusted: INDETERMINATE
  'dss/dss-2236/hide.pdf', // shadow attack: TOTAL-FAILED
];

function corpusCase(path: string): Case {
  const row = readFileSync(join(corpusDir, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .map((l) => l.split('\t'))
    .find((cols) => cols[0] === path);
  if (!row) throw new Error(`${path} is not in the corpus manifest`);
  const [, , , root, time] = row;
  if (time === 'now') throw new Error(`${path}: pick rows with a fixed validation time`);
  return {
    name: basename(path),
    bytes: new Uint8Array(readFileSync(join(corpusDir, path))),
    root: root === 'none' ? null : root,
    at: new Date(time),
  };
}

function anchorsFor(c: Case): string[] {
  if (c.root === 'kyso') return [pem('root-ca.pem')];
  return c.root ? [readFileSync(join(corpusDir, c.root), 'utf8')] : [];
}

/** A code as the report names findings and verdicts (NO_REVOCATION_DATA_OFFLINE, TOTAL-PASSED): never in the plain words. */
const CODE = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\b(?:TOTAL-PASSED|TOTAL-FAILED|INDETERMINATE)\b/;

/** A card's plain words (its technical details closed) and, opened, its technical details. */
async function plainAndTechnical(card: ReturnType<Page['locator']>): Promise<{ plain: string; technical: string }> {
  const details = card.locator('details[data-field="technical"]');
  expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
  const plain = await card.innerText();
  await details.locator('summary').click();
  const technical = await details.innerText();
  await details.locator('summary').click();
  return { plain, technical };
}

/** What must agree between the page and Node, signature by signature. */
function verdicts(report: ValidationReport) {
  return report.signatures.map((s) => ({
    fieldName: s.fieldName,
    kind: s.kind,
    indication: s.indication,
    subIndication: s.subIndication,
    intact: s.intact,
    coverage: s.coverage,
    modifications: s.modifications,
    signer: s.signer?.commonName ?? null,
    signingTime: s.signingTime,
    level: s.level,
    certificateValidAtSigningTime: s.certificateValidAtSigningTime,
    reasons: s.reasons.map((r) => r.code),
    warnings: s.warnings.map((w) => w.code),
  }));
}

let browser: Browser;
let server: { url: string; close: () => Promise<void> };
let kyso: Case;
let built: { inputs: string[] };
const requests: string[] = [];
const pageErrors: string[] = [];
const work = mkdtempSync(join(tmpdir(), 'kyso-verify-web-'));

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
  built = await buildVerifyWeb();
  server = await serveVerifyWeb();
  // Root in containers has no user namespaces for Chromium's sandbox.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });

  const signingTime = new Date(Math.floor(Date.now() / 1000) * 1000);
  const bytes = await signPdf(await pdfLibDoc({ objectStreams: true }), openSigner('signer.p12'), {
    signingTime,
    reason: 'Phê duyệt kết quả giải quyết thủ tục hành chính',
    location: 'Bắc Ninh',
  });
  kyso = { name: 'ket-qua-da-ky.pdf', bytes, root: 'kyso', at: new Date(signingTime.getTime() + 3600_000) };
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

async function openPage(query: Record<string, string>): Promise<Page> {
  const page = await browser.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('response', (r) => void (r.status() >= 400 && pageErrors.push(`HTTP ${r.status()} ${r.url()}`)));
  page.on('console', (m) => void (m.type() === 'error' && pageErrors.push(m.text())));
  await page.goto(`${server.url}?${new URLSearchParams(query)}`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

/** Chooses the roots (a corpus root by file; the kyso root comes from ?test-root=1), then the PDF; waits for the report. */
async function checkInPage(
  c: Case,
  opts: { withRoot?: boolean; drop?: boolean } = {},
): Promise<{ page: Page; report: ValidationReport }> {
  const withRoot = opts.withRoot ?? true;
  const page = await openPage({
    at: c.at.toISOString(),
    ...(withRoot && c.root === 'kyso' ? { 'test-root': '1' } : {}),
  });
  if (withRoot && c.root && c.root !== 'kyso') {
    const root = join(corpusDir, c.root);
    await page.setInputFiles('#trust-input', {
      name: basename(root),
      mimeType: 'application/x-pem-file',
      buffer: readFileSync(root),
    });
  }
  if (opts.drop) {
    // What a person's drag and drop delivers: a drop event whose DataTransfer holds the file.
    const dataTransfer = await page.evaluateHandle(
      ({ name, base64 }) => {
        const dt = new DataTransfer();
        dt.items.add(
          new File([Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0))], name, { type: 'application/pdf' }),
        );
        return dt;
      },
      { name: c.name, base64: Buffer.from(c.bytes).toString('base64') },
    );
    await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer });
  } else {
    await page.setInputFiles('#pdf-input', { name: c.name, mimeType: 'application/pdf', buffer: Buffer.from(c.bytes) });
  }
  return { page, report: await reportAfter(page, c.name, 0) };
}

/** Waits for a finished validation of `name` newer than run number `after`, and returns the page's report. */
async function reportAfter(page: Page, name: string, after: number): Promise<ValidationReport> {
  await page.waitForFunction(
    ([file, run]) => {
      const box = document.getElementById('report');
      return (
        box?.dataset.file === file &&
        Number(box.dataset.run) > run &&
        (box.dataset.state === 'done' || box.dataset.state === 'error')
      );
    },
    [name, after] as const,
  );
  return (await page.evaluate(() => window.__kysoLastReport)) as ValidationReport;
}

describe('verify-web page in headless Chromium', () => {
  it('gives the kyso-signed PDF the same verdict as Node, in Vietnamese, with the test root preloaded', async () => {
    const { page, report } = await checkInPage(kyso);
    const node = await validatePdf(kyso.bytes, { trustAnchors: anchorsFor(kyso), at: kyso.at, online: false });
    expect(verdicts(report)).toEqual(verdicts(node));
    expect(report.validationTime).toBe(kyso.at.toISOString());
    expect(report.signatures.map((s) => s.indication)).toEqual(['TOTAL-PASSED']);

    const card = page.locator('article.signature').first();
    await expect.poll(() => card.getAttribute('class')).toContain('passed');
    const text = await card.innerText();
    expect(text).toContain('Chữ ký hợp lệ');
    expect(text).toContain('Nguyễn Thị Lấp Lánh Ánh');
    expect(await card.locator('[data-field="issuer"] dd').innerText()).toContain('Kyso Test Intermediate CA');
    expect(await card.locator('[data-field="anchor"] dd').innerText()).toBe(
      'Kyso Test Root CA — chứng thư gốc thử nghiệm của kyso, chỉ dùng để thử nghiệm',
    );
    expect(await card.locator('[data-field="signing-time"] dd').innerText()).toContain(
      vietnamTime(node.signatures[0].signingTime),
    );
    expect(await card.locator('[data-field="integrity"] dd').innerText()).toBe(
      'Toàn vẹn, không bị thay đổi sau khi ký',
    );
    expect(await card.locator('[data-field="valid-at-signing"] dd').innerText()).toBe('trong thời hạn hiệu lực');
    expect(await card.locator('[data-field="revocation"] dd').innerText()).toBe(
      'chưa kiểm tra (không có dữ liệu OCSP/CRL trong tài liệu, không kiểm tra trực tuyến)',
    );
    expect(await page.locator('#report').innerText()).not.toMatch(/còn hiệu lực/i);
    expect(await page.locator('p.conclusion').innerText()).toBe('Kết luận: tài liệu có 1 chữ ký, hợp lệ.');
    expect(await card.locator('[data-field="reason"] dd').innerText()).toBe(
      'Phê duyệt kết quả giải quyết thủ tục hành chính',
    );
    expect(await card.locator('[data-field="level"] dd').innerText()).toContain('PAdES B-B');
    expect(await page.locator('#trust-list').innerText()).toContain('chỉ dùng để thử nghiệm');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');

    // Plain words for the citizen: the revocation warning as a sentence, its code and facts only in the details.
    const { plain, technical } = await plainAndTechnical(card);
    expect(plain).toContain('Không kiểm tra được tình trạng thu hồi của chứng thư số');
    expect(plain).not.toMatch(CODE);
    expect(await page.locator('#report').innerText()).not.toMatch(CODE);
    expect(technical).toContain('Mã kết quả: TOTAL-PASSED');
    expect(technical).toContain('REVOCATION_UNKNOWN');
    expect(technical).toContain('NO_REVOCATION_DATA_OFFLINE');

    // The English toggle re-renders the same report.
    await page.click('#lang-toggle');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await card.innerText()).toContain('The signature is valid');
    expect(await page.locator('#drop-label').innerText()).toBe('Drop a PDF file here or choose a file');
    await page.close();
  });

  it('trusts the bundled profile vn by default (not the test PKI); a dropped file is re-validated when a root is then chosen', async () => {
    const { page, report } = await checkInPage(kyso, { withRoot: false, drop: true });
    const node = await validatePdf(kyso.bytes, { trustProfile: 'vn', at: kyso.at, online: false });
    expect(verdicts(report)).toEqual(verdicts(node));
    expect(report.signatures.map((s) => [s.indication, s.subIndication])).toEqual([
      ['INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND'],
    ]);
    expect(await page.locator('#drop-label').innerText()).toBe('Kéo thả tệp PDF vào đây hoặc chọn tệp');
    expect(await page.locator('#trust-list').innerText()).toBe('Chưa chọn chứng thư gốc nào.');
    // Where the trust comes from: the bundled profile, named, with its anchors' fingerprints.
    const vn = trustProfile('vn');
    expect(await page.evaluate(() => window.__kysoTrust)).toEqual({
      profile: 'vn',
      bundledAnchors: vn.anchors.map((a) => a.sha256),
      chosenRoots: 0,
    });
    expect(await page.locator('#bundled-trust').innerText()).toContain(
      `Đang tin cậy hồ sơ tích hợp sẵn "vn": ${vn.anchors.length} chứng thư số gốc`,
    );
    expect(await page.locator('#bundled-list').innerText()).toContain(
      vn.anchors.find((a) => a.subject.includes('Vietnam National Root CA'))!.sha256,
    );
    expect(await page.inputValue('#trust-profile')).toBe('vn');
    const card = page.locator('article.signature.indeterminate');
    expect(await card.innerText()).toContain('Chưa xác định được tính hợp lệ của chữ ký');
    expect(await card.locator('[data-field="reasons"]').innerText()).toContain('Không xây dựng được đường dẫn tin cậy');

    // Choosing the root (the PEM file, as a person would) re-validates the same bytes.
    const run = Number(await page.getAttribute('#report', 'data-run'));
    await page.setInputFiles('#trust-input', join(repoRoot, 'test-certs', 'root-ca.pem'));
    const trusted = await reportAfter(page, kyso.name, run);
    const nodeTrusted = await validatePdf(kyso.bytes, { trustAnchors: anchorsFor(kyso), at: kyso.at, online: false });
    expect(verdicts(trusted)).toEqual(verdicts(nodeTrusted));
    expect(trusted.signatures[0].indication).toBe('TOTAL-PASSED');
    expect(await page.locator('#trust-list').innerText()).toContain('Kyso Test Root CA');
    // Where the trust comes from: the file the person chose.
    expect(await page.locator('article.signature [data-field="anchor"] dd').innerText()).toBe(
      'Kyso Test Root CA — được tin cậy vì bạn đã chọn tệp root-ca.pem',
    );
    expect(await page.locator('article.signature.passed .verdict').innerText()).toContain('Chữ ký hợp lệ');
    await page.close();
  });

  it('?trust=none uses no bundled root; choosing vn-all re-validates with every bundled root', async () => {
    const page = await openPage({ at: kyso.at.toISOString(), trust: 'none' });
    expect(await page.inputValue('#trust-profile')).toBe('none');
    expect(await page.locator('#bundled-trust').innerText()).toBe(
      'Không dùng chứng thư gốc tích hợp sẵn: chỉ các chứng thư gốc bạn chọn dưới đây được tin cậy.',
    );
    await page.setInputFiles('#pdf-input', {
      name: kyso.name,
      mimeType: 'application/pdf',
      buffer: Buffer.from(kyso.bytes),
    });
    await reportAfter(page, kyso.name, 0);
    expect(await page.evaluate(() => window.__kysoTrust)).toEqual({
      profile: null,
      bundledAnchors: [],
      chosenRoots: 0,
    });
    const run = Number(await page.getAttribute('#report', 'data-run'));
    await page.selectOption('#trust-profile', 'vn-all');
    const again = await reportAfter(page, kyso.name, run);
    expect(verdicts(again)).toEqual(
      verdicts(await validatePdf(kyso.bytes, { trustProfile: 'vn-all', at: kyso.at, online: false })),
    );
    expect((await page.evaluate(() => window.__kysoTrust))?.bundledAnchors).toEqual(
      trustProfile('vn-all').anchors.map((a) => a.sha256),
    );
    expect(await page.locator('#bundled-trust').innerText()).toContain('rootca.gov.vn');
    await page.close();
  });

  it.each(CORPUS)('%s: the page and Node agree on every signature', async (path) => {
    const c = corpusCase(path);
    const { page, report } = await checkInPage(c);
    const node = await validatePdf(c.bytes, { trustAnchors: anchorsFor(c), at: c.at, online: false });
    expect(node.signatures.length).toBeGreaterThan(0);
    expect(verdicts(report)).toEqual(verdicts(node));

    // Each card shows its verdict in Vietnamese with the matching colour.
    const cards = page.locator('article.signature');
    expect(await cards.count()).toBe(node.signatures.length);
    for (const [k, s] of node.signatures.entries()) {
      const card = cards.nth(k);
      const expected = {
        'TOTAL-PASSED': ['passed', 'Chữ ký hợp lệ'],
        'TOTAL-FAILED': ['failed', 'Chữ ký không hợp lệ'],
        INDETERMINATE: ['indeterminate', 'Chưa xác định được tính hợp lệ'],
      }[s.indication];
      expect(await card.getAttribute('class')).toContain(expected[0]);
      expect(await card.locator('.verdict').innerText()).toContain(expected[1]);
      if (s.modifications === 'DISALLOWED')
        expect(await card.innerText()).toContain('có thay đổi KHÔNG được phép sau khi ký');
      // Plain words only; every code of the verdict and its findings in the technical details.
      const { plain, technical } = await plainAndTechnical(card);
      expect(plain).not.toMatch(CODE);
      expect(technical).toContain(s.subIndication ? `${s.indication} / ${s.subIndication}` : s.indication);
      for (const f of [...(s.indication === 'TOTAL-PASSED' ? [] : s.reasons), ...s.warnings]) {
        expect(technical).toContain(f.code);
        if (f.where) expect(technical).toContain(placeText(f.where, 'vi')); // where in the file, e.g. the swapped object
      }
    }
    await page.close();
  });

  it('shows a Vietnamese error, not a report, for a file that is not a PDF', async () => {
    const junk = new TextEncoder().encode('đây không phải là tệp PDF');
    const page = await openPage({});
    await page.setInputFiles('#pdf-input', {
      name: 'khong-phai-pdf.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from(junk),
    });
    await page.waitForSelector('#report[data-state="error"]');
    const nodeError = await validatePdf(junk).then(
      () => null,
      (e: { code: string; messageVi: string }) => e,
    );
    expect(nodeError).not.toBeNull();
    const shown = await page.evaluate(() => window.__kysoLastError);
    expect(shown?.code).toBe(nodeError!.code);
    expect(await page.locator('#report .error').innerText()).toContain(nodeError!.messageVi);
    expect(await page.evaluate(() => window.__kysoLastReport)).toBeNull();
    await page.close();
  });

  it('loaded nothing but its own origin and raised no error', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith(server.url))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

describe('verify-web bundle', () => {
  it('refuses to bundle a Node built-in for the browser', async () => {
    for (const spec of ['node:crypto', 'buffer']) {
      const entry = join(work, `uses-${spec.replace(':', '-')}.ts`);
      writeFileSync(entry, `import * as m from '${spec}';\nconsole.log(m);\n`);
      await expect(buildVerifyWeb({ entry, outdir: join(work, 'out') })).rejects.toThrow(/Node built-in/);
    }
  });

  it('bundles @kyso/verify and @kyso/pdf from their sources, with the test root beside it', () => {
    expect(built.inputs.some((p) => p.includes('packages/verify/src/'))).toBe(true);
    expect(built.inputs.some((p) => p.includes('packages/pdf/src/'))).toBe(true);
    expect(readFileSync(join(repoRoot, 'examples/verify-web/dist/kyso-test-root-ca.pem'), 'utf8')).toBe(
      pem('root-ca.pem'),
    );
  });
});
