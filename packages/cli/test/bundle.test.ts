/**
 * What the built command loads (scripts/bundle.mjs): the bin is a CommonJS script; a one-file `kyso verify`, offline
 * and online, evaluates neither WebCrypto (pkijs picks its engine at first use) nor Node's web streams (the Node
 * transport reads Node's own stream); fflate, evaluated only when a stream must be inflated, still inflates: a
 * document with object streams and a cross-reference stream verifies through the bundle.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { Pkcs12Signer, signPdf } from '@kyso/core';
import { repoRoot } from '../../../tests/helpers/producers.js';
import { scratch } from '../../../tests/helpers/tools.js';

const tmp = scratch('kyso-bundle-');
afterAll(() => tmp.cleanup());

const bin = join(repoRoot, 'packages/cli/dist/main.cjs');
const root = join(repoRoot, 'test-certs/root-ca.pem');
const TEST_PKI_HOSTS = ['--allow-host', '127.0.0.1:39601', '--allow-host', '127.0.0.1:39602'];

/** Writes, at exit, the built-in modules the process loaded after start-up to `out` (one per line). */
const PRELOAD = `
const start = new Set(process.moduleLoadList);
process.on('exit', () => require('node:fs').writeFileSync(process.env.KYSO_TEST_MODULES,
  process.moduleLoadList.filter((m) => !start.has(m)).join('\\n')));
`;

async function signedPdf(objectStreams: boolean): Promise<string> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < 3; i++) doc.addPage().drawText(`trang ${i + 1}`, { x: 72, y: 720, size: 14, font });
  const plain = await doc.save({ useObjectStreams: objectStreams });
  const p12 = readFileSync(join(repoRoot, 'test-certs/signer.p12'));
  const file = join(tmp.dir, `signed-${objectStreams ? 'objstm' : 'classic'}.pdf`);
  writeFileSync(file, await signPdf(plain, Pkcs12Signer.open(p12, 'kyso-test'), { certificateCheck: false }));
  return file;
}

function verify(
  file: string,
  extra: string[] = [],
): Promise<{ code: number; indications: string[]; modules: string[] }> {
  const preload = join(tmp.dir, 'preload.cjs');
  writeFileSync(preload, PRELOAD);
  const modules = join(tmp.dir, `modules-${Math.random().toString(36).slice(2)}.txt`);
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['--require', preload, bin, 'verify', file, '--trust', root, '--json', ...extra],
      { encoding: 'utf8', env: { ...process.env, KYSO_TEST_MODULES: modules } },
      (error, stdout, stderr) => {
        try {
          const report = JSON.parse(stdout) as { signatures: { indication: string }[] };
          resolve({
            code: error ? Number(error.code ?? 1) : 0,
            indications: report.signatures.map((s) => s.indication),
            modules: readFileSync(modules, 'utf8').split('\n'),
          });
        } catch (e) {
          reject(new Error(`kyso verify gave no report: ${stderr}`, { cause: e }));
        }
      },
    ),
  );
}

const heavy = (modules: string[]) =>
  modules.filter((m) => /internal\/crypto\/webcrypto|internal\/webstreams\/(readable|writable)stream/.test(m));

describe('the built kyso command', () => {
  it('offline: TOTAL-PASSED, without WebCrypto or web streams evaluated', async () => {
    const r = await verify(await signedPdf(false));
    expect([r.code, r.indications]).toEqual([0, ['TOTAL-PASSED']]);
    expect(r.modules).toContain('NativeModule crypto'); // the preload saw the run
    expect(heavy(r.modules)).toEqual([]);
  });

  it('online (OCSP and CRL from the test PKI): the same, with the HTTP client loaded', async () => {
    const r = await verify(await signedPdf(false), ['--online', ...TEST_PKI_HOSTS]);
    expect([r.code, r.indications]).toEqual([0, ['TOTAL-PASSED']]);
    expect(r.modules).toContain('NativeModule _http_client');
    expect(heavy(r.modules)).toEqual([]);
  });

  it('object streams and a cross-reference stream: fflate, loaded at first use, inflates them', async () => {
    const file = await signedPdf(true);
    expect(readFileSync(file, 'latin1')).toContain('/ObjStm');
    const r = await verify(file);
    expect([r.code, r.indications]).toEqual([0, ['TOTAL-PASSED']]);
  });
});
