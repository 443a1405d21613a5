/**
 * Issue 18 item 6, end to end: a visible signature without an explicit appearance gets the standard one — an
 * organisation's seal named once, "Ngày ký: dd/mm/yyyy HH:MM:SS +07:00" with the time the signature itself claims
 * (/M) — whether made by the library, `kyso sign --visible` or the service's POST /v1/sign; and `pnpm serve` and
 * `pnpm verify-web` do not default to the same port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatVietnamDisplayTime, signPdf } from '@kyso/core';
import { loadConfig } from '@kyso/server';
import { validatePdf } from '@kyso/verify';
import { DEFAULT_PORT as VERIFY_WEB_PORT } from '../examples/verify-web/serve.mjs';
import { runKyso } from './helpers/cli.js';
import { openSigner } from './helpers/keys.js';
import { pdfLibDoc, repoRoot } from './helpers/producers.js';
import { run, scratch } from './helpers/tools.js';
import { bearer, postPdf, startTestService, type TestService } from '../packages/server/test/helpers/test-service.js';

const SEAL_NAME = 'Ủy ban nhân dân phường Kinh Bắc'; // seal.p12: CN and O are both the organisation
const tmp = scratch('kyso-readable-outputs-');
let svc: TestService;
let input: Uint8Array;

beforeAll(async () => {
  svc = await startTestService();
  input = await pdfLibDoc({ pages: 1, objectStreams: false });
});
afterAll(async () => {
  await svc?.stop();
  tmp.cleanup();
});

/** The box's text as pdftotext reads it (whitespace collapsed), and the time the signature claims (/M). */
async function boxOf(name: string, bytes: Uint8Array): Promise<{ text: string; claimed: Date }> {
  const path = tmp.file(name, bytes);
  const text = run('pdftotext', ['-layout', path, '-']).stdout.replace(/\s+/g, ' ');
  const report = await validatePdf(bytes, { online: false });
  return { text, claimed: new Date(report.signatures[0]!.claimedSigningTime!) };
}

function expectStandardSealBox(text: string, claimed: Date): void {
  expect(text.split(SEAL_NAME).length - 1, text).toBe(1); // the seal's name once: no "Cơ quan" repeating it
  expect(text).toContain(`Ký bởi: ${SEAL_NAME}`);
  expect(text).not.toContain('Cơ quan:');
  const date = /Ngày ký: (\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} \+07:00)/.exec(text);
  expect(date, text).not.toBeNull();
  expect(date![1]).toBe(formatVietnamDisplayTime(claimed)); // the signature's own time, in Vietnam time
}

describe('the standard appearance of a visible seal signature', () => {
  it('the library (signPdf with visible and no appearance)', async () => {
    const out = await signPdf(input, openSigner('seal.p12'), {
      certificateCheck: false,
      visible: { page: 1, rect: [150, 80, 400, 90] },
      reason: 'Sao y bản chính',
    });
    const { text, claimed } = await boxOf('library.pdf', out);
    expectStandardSealBox(text, claimed);
    expect(text).toContain('Lý do: Sao y bản chính');
  });

  it('kyso sign --visible', async () => {
    const inPath = tmp.file('in.pdf', input);
    const outPath = join(tmp.dir, 'cli.pdf');
    const r = await runKyso(
      [
        'sign',
        inPath,
        '-o',
        outPath,
        '--p12',
        join(repoRoot, 'test-certs/seal.p12'),
        '--password-env',
        'PW',
        '--revocation',
        'off',
        '--visible',
        '--page',
        '1',
        '--rect',
        '150,80,400,90',
        '--location',
        'Bắc Ninh',
      ],
      { env: { ...process.env, PW: 'kyso-test' } },
    );
    expect(r.code, r.stderr).toBe(0);
    const { text, claimed } = await boxOf('cli-read.pdf', new Uint8Array(readFileSync(outPath)));
    expectStandardSealBox(text, claimed);
    expect(text).toContain('Nơi ký: Bắc Ninh');
  });

  it('the service (POST /v1/sign?key=seal with page and rect)', async () => {
    const res = await postPdf(`${svc.url}/v1/sign?key=seal&page=1&rect=150,80,400,90`, input, bearer(svc.keys.full));
    expect(res.status, await res.clone().text()).toBe(200);
    const { text, claimed } = await boxOf('service.pdf', new Uint8Array(await res.arrayBuffer()));
    expectStandardSealBox(text, claimed);
  });
});

describe('default ports', () => {
  it('pnpm serve (the service, 8080) and pnpm verify-web (8081) can run at once', () => {
    const scripts = (
      JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    // neither script names a port: each runs on its own default
    expect(scripts.serve).toBe('node packages/cli/dist/main.cjs serve');
    expect(scripts['verify-web']).toBe('node examples/verify-web/serve.mjs');
    const servicePort = loadConfig({ env: {} }).config.port; // `kyso serve` without a configuration
    expect(servicePort).toBe(8080);
    expect(VERIFY_WEB_PORT).toBe(8081);
    expect(VERIFY_WEB_PORT).not.toBe(servicePort);
  });
});
