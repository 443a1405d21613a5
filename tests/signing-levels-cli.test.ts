/**
 * B-T signatures against a real RFC 3161 TSA (openssl ts -reply behind HTTP), visible Vietnamese signatures read
 * back with pdftotext and rendered with pdftoppm, and the `kyso sign` command as the DESIGN.md contract gives it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import * as pkijs from 'pkijs';
import { type PdfDict, PdfDocument, type PdfString } from '@kyso/pdf';
import {
  formatVietnamDisplayTime,
  parseTimestampToken,
  signatureAppearance,
  signFile,
  signPdf,
  tsaTimestamper,
} from '@kyso/core';
import { fixture, pdfLibDoc, repoRoot } from './helpers/producers.js';
import { makeNssDb } from './helpers/nss.js';
import { openSigner } from './helpers/keys.js';
import { startTsa, type TsaServer } from './helpers/pki-servers.js';
import { run, scratch } from './helpers/tools.js';

const tmp = scratch('kyso-levels-');
let nss: Awaited<ReturnType<typeof makeNssDb>>;
let tsa: TsaServer;
beforeAll(async () => {
  nss = await makeNssDb();
  tsa = await startTsa();
});
afterAll(async () => {
  await tsa?.stop();
  nss?.cleanup();
  tmp.cleanup();
});

const signer = openSigner();
const check = { certificateCheck: { revocation: 'require' as const } };

function lastSignatureCms(pdf: Uint8Array): pkijs.SignedData {
  const doc = PdfDocument.load(pdf);
  const fields = doc.resolve(doc.getDict(doc.catalog(), 'AcroForm')!.get('Fields')) as unknown[];
  const sig = doc.resolve((doc.resolve(fields[fields.length - 1] as never) as PdfDict).get('V')) as PdfDict;
  const c = (sig.get('Contents') as PdfString).bytes;
  const ci = pkijs.ContentInfo.fromBER(c.slice().buffer as ArrayBuffer);
  return new pkijs.SignedData({ schema: ci.content });
}

describe('PAdES B-T', () => {
  it('adds a signature timestamp from the TSA over the signature value; pdfsig says valid and trusted', async () => {
    const input = await pdfLibDoc({ objectStreams: true });
    const before = tsa.requests;
    const out = await signPdf(input, signer, { ...check, level: 'B-T', timestamper: tsaTimestamper(tsa.url) });
    expect(tsa.requests).toBe(before + 1);
    const sd = lastSignatureCms(out);
    const unsigned = sd.signerInfos[0].unsignedAttrs?.attributes ?? [];
    expect(unsigned.map((a) => a.type)).toEqual(['1.2.840.113549.1.9.16.2.14']);
    const token = new Uint8Array(unsigned[0].values[0].toBER());
    const parsed = parseTimestampToken(token);
    const sigValue = new Uint8Array(sd.signerInfos[0].signature.valueBlock.valueHexView);
    const imprint = new Uint8Array(await crypto.subtle.digest('SHA-256', sigValue));
    expect(Buffer.from(parsed.imprint).equals(Buffer.from(imprint))).toBe(true);
    expect(Math.abs(parsed.genTime.getTime() - Date.now())).toBeLessThan(120_000);
    const sigs = nss.pdfsig(tmp.file('bt.pdf', out)).signatures;
    expect(sigs[0]).toMatchObject({ valid: true, trusted: true });
  });

  it.each([
    ['garbage', 'TSA_BAD_RESPONSE'],
    ['http-500', 'TSA_HTTP_STATUS'],
    ['wrong-nonce', 'TSA_NONCE_MISMATCH'],
    ['rejection', 'TSA_REJECTED'],
  ] as const)('a TSA answering %s gives %s and leaves no output file', async (mode, code) => {
    const bad = await startTsa({ mode });
    const dir = scratch('kyso-tsa-bad-');
    try {
      const inPath = dir.file('in.pdf', await pdfLibDoc({ objectStreams: false }));
      await expect(
        signFile(inPath, join(dir.dir, 'out.pdf'), signer, {
          ...check,
          level: 'B-T',
          timestamper: tsaTimestamper(bad.url),
        }),
      ).rejects.toMatchObject({ code });
      expect(readdirSync(dir.dir)).toEqual(['in.pdf']);
    } finally {
      await bad.stop();
      dir.cleanup();
    }
  });

  it('a TSA that is down or too slow gives a typed error', async () => {
    const slow = await startTsa({ mode: 'slow', delayMs: 3000 });
    try {
      await expect(
        signPdf(await pdfLibDoc({ objectStreams: false }), signer, {
          ...check,
          level: 'B-T',
          timestamper: tsaTimestamper(slow.url, { timeoutMs: 300 }),
        }),
      ).rejects.toMatchObject({ code: 'TSA_TIMEOUT' });
    } finally {
      await slow.stop();
    }
    await expect(
      signPdf(await pdfLibDoc({ objectStreams: false }), signer, {
        ...check,
        level: 'B-T',
        timestamper: tsaTimestamper('http://127.0.0.1:9/tsa'),
      }),
    ).rejects.toMatchObject({ code: 'TSA_UNREACHABLE' });
  });
});

describe('visible signatures in Vietnamese', () => {
  it('pdftotext gives back the exact lines and pdftoppm renders them; pdfsig still says valid', async () => {
    const signingTime = new Date(Math.floor(Date.now() / 1000) * 1000);
    const out = await signPdf(await pdfLibDoc({ objectStreams: false }), signer, {
      ...check,
      signingTime,
      reason: 'Phê duyệt kết quả',
      location: 'Phường Kinh Bắc',
      visible: { page: 1, rect: [300, 600, 260, 100] },
      appearance: signatureAppearance({
        fields: {
          signer: 'Nguyễn Thị Lấp Lánh Ánh',
          organisation: 'Ủy ban nhân dân phường Kinh Bắc',
          reason: 'Phê duyệt kết quả',
          location: 'Phường Kinh Bắc',
          signingTime,
        },
      }),
    });
    const path = tmp.file('visible.pdf', out);
    const text = run('pdftotext', ['-layout', path, '-']).stdout.replace(/\s+/g, ' ');
    for (const line of [
      'Ký bởi: Nguyễn Thị Lấp Lánh Ánh',
      'Ủy ban nhân dân phường Kinh Bắc',
      `Ngày ký: ${formatVietnamDisplayTime(signingTime)}`,
    ]) {
      expect(text).toContain(line);
    }
    run('pdftoppm', ['-r', '72', '-png', '-f', '1', '-l', '1', path, join(tmp.dir, 'visible')]);
    const png = PNG.sync.read(
      readFileSync(join(tmp.dir, readdirSync(tmp.dir).find((f) => f.startsWith('visible-') && f.endsWith('.png'))!)),
    );
    // count dark pixels inside the widget (PDF y grows upwards; the page is 842 pt high at 72 dpi)
    let dark = 0;
    for (let y = 842 - 700; y < 842 - 600; y++)
      for (let x = 300; x < 560; x++) if (png.data[(y * png.width + x) * 4] < 128) dark++;
    expect(dark).toBeGreaterThan(200);
    expect(nss.pdfsig(path).signatures[0]).toMatchObject({ valid: true, trusted: true });
  });
});

describe('kyso sign (command line)', () => {
  // Asynchronous: the TSA the command calls runs in this process and must keep answering.
  const kyso = (
    args: string[],
    env: Record<string, string> = {},
  ): Promise<{ status: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [join(repoRoot, 'packages/cli/dist/main.cjs'), ...args],
        {
          encoding: 'utf8',
          env: { ...process.env, KYSO_FETCH_ALLOW_HOSTS: '127.0.0.1:39601,127.0.0.1:39602', ...env },
        },
        (error, stdout, stderr) => {
          resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
        },
      );
    });

  it('signs with --p12 and --password-env, visible, B-T; the output validates', async () => {
    const inPath = tmp.file('cli-in.pdf', fixture('libreoffice-vi.pdf'));
    const outPath = join(tmp.dir, 'cli-out.pdf');
    const r = await kyso(
      [
        'sign',
        inPath,
        '-o',
        outPath,
        '--p12',
        join(repoRoot, 'test-certs/signer.p12'),
        '--password-env',
        'KYSO_PW',
        '--level',
        'B-T',
        '--tsa',
        tsa.url,
        '--visible',
        '--page',
        '1',
        '--rect',
        '320,40,240,90',
        '--reason',
        'Xác nhận',
        '--location',
        'Bắc Ninh',
      ],
      { KYSO_PW: 'kyso-test' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Ký thành công');
    const sigs = nss.pdfsig(outPath).signatures;
    expect(sigs[0]).toMatchObject({ valid: true, trusted: true });
    expect(run('pdftotext', [outPath, '-']).stdout).toContain('Nguyễn Thị Lấp Lánh Ánh');
    expect(r.stdout + r.stderr).not.toContain('kyso-test');
  });

  it('certifies with --certify and signs an existing field with --field', async () => {
    const inPath = tmp.file('cli-form.pdf', fixture('libreoffice-form.pdf'));
    const outPath = join(tmp.dir, 'cli-form-out.pdf');
    const r = await kyso(
      [
        'sign',
        inPath,
        '-o',
        outPath,
        '--p12',
        join(repoRoot, 'test-certs/seal.p12'),
        '--password-env',
        'KYSO_PW',
        '--field',
        'ChuKyLanhDao',
        '--certify',
        '2',
      ],
      { KYSO_PW: 'kyso-test' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(nss.pdfsig(outPath).signatures.filter((s) => s.signed)).toMatchObject([
      { field: 'ChuKyLanhDao', valid: true, trusted: true },
    ]);
  });

  it('refuses a password on the command line, a wrong password, an expired certificate, and writes nothing', async () => {
    const inPath = tmp.file('cli-bad.pdf', fixture('hybrid-xref.pdf'));
    const outPath = join(tmp.dir, 'cli-bad-out.pdf');
    const p12 = join(repoRoot, 'test-certs/signer.p12');
    expect((await kyso(['sign', inPath, '-o', outPath, '--p12', p12, '--password', 'kyso-test'])).status).toBe(64);
    const wrong = await kyso(['sign', inPath, '-o', outPath, '--p12', p12, '--password-env', 'KYSO_PW'], {
      KYSO_PW: 'nope-secret',
    });
    expect(wrong.status).toBe(77); // credentials refused
    expect(wrong.stderr).toContain('SIGN_BAD_PASSWORD');
    expect(wrong.stderr).not.toContain('nope-secret');
    const expired = await kyso(
      ['sign', inPath, '-o', outPath, '--p12', join(repoRoot, 'test-certs/expired.p12'), '--password-env', 'KYSO_PW'],
      { KYSO_PW: 'kyso-test' },
    );
    expect(expired.status).toBe(77);
    expect(expired.stderr).toContain('SIGN_CERT_EXPIRED');
    expect(expired.stderr).toContain('hết hạn');
    const revoked = await kyso(
      ['sign', inPath, '-o', outPath, '--p12', join(repoRoot, 'test-certs/revoked.p12'), '--password-env', 'KYSO_PW'],
      { KYSO_PW: 'kyso-test' },
    );
    expect(revoked.status).toBe(77);
    expect(revoked.stderr).toContain('SIGN_CERT_REVOKED');
    expect(existsSync(outPath)).toBe(false);
  });

  it('reads the password from a file, and reports a bad PDF with exit 65', async () => {
    const pw = tmp.file('pw.txt', new TextEncoder().encode('kyso-test\n'));
    const notPdf = tmp.file('not.pdf', new TextEncoder().encode('not a pdf'));
    const r = await kyso([
      'sign',
      notPdf,
      '-o',
      join(tmp.dir, 'x.pdf'),
      '--p12',
      join(repoRoot, 'test-certs/signer.p12'),
      '--password-file',
      pw,
    ]);
    expect(r.status).toBe(65);
    expect(r.stderr).toContain('PDF_NOT_PDF');
  });
});
