/**
 * `kyso sign --level B-LT|B-LTA` and `kyso extend` as a user runs them (the built CLI), with the exit codes of
 * `kyso sign`: 0 done, 64 usage error, 65 a typed error (the input or a service was not usable), and no output
 * file on any failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PdfDocument } from '@kyso/pdf';
import { findSignatures } from '@kyso/verify';
import { corpusDir, corpusRows, pdfLibDoc, repoRoot } from './helpers/producers.js';
import { makeNssDb, type NssDb } from './helpers/nss.js';
import { startTsa, TEST_CERTS, type TsaServer } from './helpers/pki-servers.js';
import { freePort } from './helpers/revocation-servers.js';
import { scratch } from './helpers/tools.js';
import { expectAllValid, readDss, startsWith } from './helpers/ltv.js';

const tmp = scratch('kyso-ltv-cli-');
const CA_CHAIN = join(TEST_CERTS, 'ca-chain.pem');
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

// Asynchronous: the TSA the command calls runs in this process and must keep answering.
const kyso = (args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'packages/cli/dist/main.cjs'), ...args],
      {
        encoding: 'utf8',
        env: { ...process.env, KYSO_PW: 'kyso-test', KYSO_FETCH_ALLOW_HOSTS: '127.0.0.1:39601,127.0.0.1:39602' },
      },
      (error, stdout, stderr) => {
        resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
const p12 = join(TEST_CERTS, 'signer.p12');

describe('kyso sign --level B-LT|B-LTA', () => {
  it('B-LT and B-LTA without --tsa are usage errors', async () => {
    const inPath = tmp.file('u.pdf', await pdfLibDoc({ objectStreams: false }));
    for (const level of ['B-LT', 'B-LTA']) {
      const r = await kyso([
        'sign',
        inPath,
        '-o',
        join(tmp.dir, 'u-out.pdf'),
        '--p12',
        p12,
        '--password-env',
        'KYSO_PW',
        '--level',
        level,
      ]);
      expect(r.status).toBe(64);
      expect(r.stderr).toContain('--tsa');
    }
    expect(existsSync(join(tmp.dir, 'u-out.pdf'))).toBe(false);
  });

  it('B-LTA with --tsa: a signature, a DSS and a document timestamp, all valid', async () => {
    const input = await pdfLibDoc({ objectStreams: true });
    const inPath = tmp.file('lta-in.pdf', input);
    const outPath = join(tmp.dir, 'lta-out.pdf');
    const r = await kyso([
      'sign',
      inPath,
      '-o',
      outPath,
      '--p12',
      p12,
      '--password-env',
      'KYSO_PW',
      '--level',
      'B-LTA',
      '--tsa',
      tsa.url,
      '--revocation',
      'require',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const out = new Uint8Array(readFileSync(outPath));
    expect(startsWith(out, input)).toBe(true);
    const found = findSignatures(PdfDocument.load(out));
    expect(found.map((s) => s.kind)).toEqual(['approval', 'doc-timestamp']);
    expectAllValid(nss, outPath, out, found, { caFile: CA_CHAIN });
    expect(readDss(PdfDocument.load(out)).ocsps.length).toBeGreaterThan(0);
  });
});

describe('kyso extend', () => {
  it('takes a B-B file to B-LTA, then renews it', async () => {
    const inPath = tmp.file('bb.pdf', await pdfLibDoc({ objectStreams: false }));
    const bb = join(tmp.dir, 'bb-signed.pdf');
    expect((await kyso(['sign', inPath, '-o', bb, '--p12', p12, '--password-env', 'KYSO_PW'])).status).toBe(0);
    const lta = join(tmp.dir, 'bb-lta.pdf');
    const r = await kyso(['extend', bb, '-o', lta, '--level', 'B-LTA', '--tsa', tsa.url]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Bổ sung thành công / Extended');
    const renewed = join(tmp.dir, 'bb-lta-2.pdf');
    expect((await kyso(['extend', lta, '-o', renewed, '--level', 'B-LTA', '--tsa', tsa.url])).status).toBe(0);
    const out = new Uint8Array(readFileSync(renewed));
    expect(startsWith(out, new Uint8Array(readFileSync(lta)))).toBe(true);
    const found = findSignatures(PdfDocument.load(out));
    expect(found.map((s) => s.kind)).toEqual(['approval', 'doc-timestamp', 'doc-timestamp']);
    expectAllValid(nss, renewed, out, found, { caFile: CA_CHAIN });
  });

  it('extends a corpus file with --trust and --revocation if-available, warning about what it could not fetch', async () => {
    const row = corpusRows().find((x) => x.expected === 'valid')!;
    const outPath = join(tmp.dir, 'corpus-lt.pdf');
    const r = await kyso([
      'extend',
      join(corpusDir, row.path),
      '-o',
      outPath,
      '--level',
      'B-LT',
      '--tsa',
      tsa.url,
      '--trust',
      join(corpusDir, row.trustRoot),
      '--revocation',
      'if-available',
      '--timeout',
      '2000',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('LTV_REVOCATION_UNAVAILABLE');
    const out = new Uint8Array(readFileSync(outPath));
    expectAllValid(nss, outPath, out, findSignatures(PdfDocument.load(out)), { caFile: CA_CHAIN, trusted: false });
  });

  it('usage errors exit 64; a TSA that is down exits 69 with a typed error and no output', async () => {
    const inPath = tmp.file('x.pdf', await pdfLibDoc({ objectStreams: false }));
    const outPath = join(tmp.dir, 'x-out.pdf');
    expect((await kyso(['extend', inPath, '-o', outPath, '--level', 'B-B'])).status).toBe(64);
    expect((await kyso(['extend', inPath, '-o', outPath, '--level', 'B-LTA'])).status).toBe(64);
    expect((await kyso(['extend', inPath, '--level', 'B-LT'])).status).toBe(64);
    const signed = join(tmp.dir, 'x-signed.pdf');
    expect((await kyso(['sign', inPath, '-o', signed, '--p12', p12, '--password-env', 'KYSO_PW'])).status).toBe(0);
    const down = await kyso([
      'extend',
      signed,
      '-o',
      outPath,
      '--level',
      'B-LTA',
      '--tsa',
      `http://127.0.0.1:${await freePort()}/`,
    ]);
    expect(down.status).toBe(69); // a service did not answer
    expect(down.stderr).toContain('TSA_UNREACHABLE');
    expect(down.stderr).toContain('Không kết nối được');
    expect(existsSync(outPath)).toBe(false);
  });
});
