/**
 * The signing pool and the register: a certification whose worker dies (crash, or a time limit) after the
 * register reserved its number leaves that request `pending` — never half-recorded — and a retry with the same
 * idempotency key resumes under the same number; numbering goes on without a gap.
 *
 * The workers run the built packages/server/dist/signing/worker.js (`pnpm build` first), behind a listener that
 * fails the job right after the register's answer to `reserve` arrives, once per marker file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig, startService, type RunningService } from '@kyso/server';
import { scratch } from '../../../tests/helpers/tools.js';
import { signingWorkerUrl } from '../src/signing/signing-service.js';
import { bearer, makeKeys, PASSWORD_ENV, TEST_CERTS } from './helpers/test-service.js';
import { scanPng } from '../../core/test/fixtures/ecopy/scans.js';

const UNIT = 'UBND phường Kinh Bắc';
const tmp = scratch('kyso-signing-pool-');
let running: RunningService;
let key: string;

beforeAll(async () => {
  const worker = tmp.file('faulty-signing-worker.mjs');
  writeFileSync(
    worker,
    [
      "import { parentPort } from 'node:worker_threads';",
      "import { existsSync, writeFileSync } from 'node:fs';",
      `const dir = ${JSON.stringify(tmp.dir)};`,
      // Registered first: it sees the register's answer before the job does.
      'parentPort.on("message", (m) => {',
      "  const request = m.type === 'call-result' ? m.value?.request : undefined;",
      "  if (!request || request.state !== 'pending') return;",
      '  const mark = `${dir}/${request.idempotencyKey}.done`;',
      '  if (existsSync(mark)) return;',
      "  writeFileSync(mark, '');",
      "  if (request.idempotencyKey.startsWith('crash')) throw new Error('the worker fell over after reserving');",
      "  if (request.idempotencyKey.startsWith('hang')) for (;;);",
      '});',
      `await import(${JSON.stringify(signingWorkerUrl().href)});`,
    ].join('\n'),
  );
  const { keys, entries } = makeKeys();
  key = keys.full;
  const p12 = (name: string) => ({
    type: 'pkcs12' as const,
    file: join(TEST_CERTS, name),
    password: { env: PASSWORD_ENV },
  });
  const file = tmp.file('kyso.json');
  writeFileSync(
    file,
    JSON.stringify({
      host: '127.0.0.1',
      port: 0,
      dataDir: join(tmp.dir, 'data'),
      logLevel: 'silent',
      keys: {
        signer: p12('signer.p12'),
        seal: p12('seal.p12'),
        'signer-ec': p12('signer-ec.p12'),
        officer: p12('signer.p12'),
      },
      apiKeys: entries,
      signing: { revocation: 'off' },
      limits: { signingConcurrency: 1 },
      verification: { workers: 1 },
      resources: { jobTimeoutMs: 8_000 },
      certification: {
        authorities: { [UNIT]: { name: 'Ủy ban nhân dân phường Kinh Bắc', sealKey: 'seal', location: 'Bắc Ninh' } },
      },
    }),
  );
  running = await startService(loadConfig({ file, env: { [PASSWORD_ENV]: 'kyso-test' } }), {
    signingWorkerUrl: pathToFileURL(worker),
  });
}, 120_000);
afterAll(async () => {
  await running?.close();
  tmp.cleanup();
});

const certify = (idempotencyKey: string) =>
  fetch(`${running.url}/v1/certifications`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...bearer(key) },
    body: JSON.stringify({
      idempotencyKey,
      certifierKey: 'signer',
      certifier: { basis: 'own-competence' },
      requester: { name: 'Nguyễn Văn A' },
      documentName: 'Giấy khai sinh',
      paperCopies: 0,
      scan: { images: [{ data: Buffer.from(scanPng(600, 800)).toString('base64') }] },
    }),
  });

interface Certification {
  state: string;
  resumed: boolean;
  entries: { seqNo: number; state: string; eCopySha256: string | null }[];
}

describe('a certification whose worker dies after the number was reserved', () => {
  it.each([
    ['crash-after-reserve', 500, 'SERVICE_INTERNAL', 1],
    ['hang-after-reserve', 503, 'SERVICE_TIMEOUT', 2],
  ] as const)(
    '%s: %i %s, the request left pending under its number, a retry resumes it, the next number follows',
    async (idempotencyKey, status, code, seqNo) => {
      const failed = await certify(idempotencyKey);
      expect(failed.status).toBe(status);
      expect(await failed.json()).toMatchObject({ code });
      expect(existsSync(join(tmp.dir, `${idempotencyKey}.done`))).toBe(true);

      const pending = await running.services.register!.findRequestByKey(UNIT, idempotencyKey);
      expect(pending).toMatchObject({ state: 'pending', entries: [{ seqNo, state: 'pending', eCopySha256: null }] });
      expect(await running.services.register!.getECopy(pending!.entries[0].id)).toBeNull();

      const retried = await certify(idempotencyKey);
      expect(retried.status).toBe(201);
      const done = (await retried.json()) as Certification;
      expect(done).toMatchObject({ state: 'issued', resumed: true, entries: [{ seqNo, state: 'issued' }] });
      expect(done.entries[0].eCopySha256).toMatch(/^[0-9a-f]{64}$/);
    },
  );

  it('numbering goes on without a gap, and both replaced workers are counted', async () => {
    const next = await certify('after-the-failures');
    expect(next.status).toBe(201);
    expect(((await next.json()) as Certification).entries[0].seqNo).toBe(3);
    expect(running.services.signing.workersReplaced).toBe(2);
  });
});
