/**
 * The service signing with keys on a PKCS#11 token (a SoftHSM2 token made by the test): configured under aliases
 * by token label, key label or CKA_ID, the PIN read from the environment, signatures checked by pdfsig, and the PIN
 * in no log line. SoftHSM2 is installed by .ci/run; its absence is a failure, not a reason to skip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createApiKey } from '@kyso/server';
import { initSoftHsmToken, softHsmUnavailableReason, type SoftHsmToken } from './helpers/softhsm.js';
import { makeNssDb, type NssDb } from './helpers/nss.js';
import { pdfLibDoc } from './helpers/producers.js';
import { scratch } from './helpers/tools.js';
import {
  bearer,
  postPdf,
  startTestService,
  TEST_CERTS,
  type TestService,
} from '../packages/server/test/helpers/test-service.js';

const unavailable = softHsmUnavailableReason();
if (unavailable) throw new Error(`PKCS#11 service tests need SoftHSM2: ${unavailable}`);

const PIN_ENV = 'KYSO_TEST_TOKEN_PIN';
let token: SoftHsmToken;
let svc: TestService;
let nss: NssDb;
let pdf: Uint8Array;
let apiKey: string;
const tmp = scratch('kyso-service-p11-');

beforeAll(async () => {
  token = initSoftHsmToken();
  const api = createApiKey({
    id: 'token-user',
    unit: 'UBND phường Kinh Bắc',
    aliases: ['hsm-rsa', 'hsm-ec'],
    externalCertificates: false,
  });
  apiKey = api.key;
  const chainFiles = [join(TEST_CERTS, 'intermediate-ca.pem')];
  svc = await startTestService({
    config: {
      keys: {
        'hsm-rsa': {
          type: 'pkcs11',
          library: token.library,
          tokenLabel: token.tokenLabel,
          pin: { env: PIN_ENV },
          keyLabel: token.keys.rsa.label,
          chainFiles,
        },
        'hsm-ec': {
          type: 'pkcs11',
          library: token.library,
          tokenLabel: token.tokenLabel,
          pin: { env: PIN_ENV },
          keyId: token.keys.ec.idHex,
          chainFiles,
        },
      },
      apiKeys: [api.entry],
      // The authority's seal on the token too, as an organisation would keep it.
      certification: {
        authorities: {
          'UBND phường Kinh Bắc': { name: 'Ủy ban nhân dân phường Kinh Bắc', sealKey: 'hsm-ec', location: 'Bắc Ninh' },
        },
      },
    },
    env: { [PIN_ENV]: token.pin },
  });
  nss = makeNssDb();
  pdf = await pdfLibDoc({ pages: 1, objectStreams: true, text: 'Ket qua giai quyet TTHC' });
});
afterAll(async () => {
  await svc?.stop();
  token?.cleanup();
  nss?.cleanup();
  tmp.cleanup();
});

describe('signing with keys on a PKCS#11 token', () => {
  it('is ready with the token keys loaded', async () => {
    expect(await (await fetch(`${svc.url}/readyz`)).json()).toMatchObject({ status: 'ready', checks: { keys: true } });
  });

  it.each([
    ['hsm-rsa', 'Nguyễn Thị Lấp Lánh Ánh'],
    ['hsm-ec', 'Trần Văn Đức'],
  ])(
    'POST /v1/sign?key=%s signs on the token: pdfsig says valid and trusted, the input bytes come first',
    async (alias, signerCN) => {
      const res = await postPdf(
        `${svc.url}/v1/sign?key=${alias}&reason=${encodeURIComponent('Ký bằng thiết bị')}`,
        pdf,
        bearer(apiKey),
      );
      expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
      const out = new Uint8Array(await res.arrayBuffer());
      expect(Buffer.from(out.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
      const sigs = nss.pdfsig(tmp.file(`${alias}.pdf`, out)).signatures;
      expect(sigs).toHaveLength(1);
      expect(sigs[0]).toMatchObject({ valid: true, trusted: true, signerCN });
    },
  );

  it('ten signatures at once on one token session all validate', async () => {
    const outs = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const res = await postPdf(`${svc.url}/v1/sign?key=${i % 2 ? 'hsm-ec' : 'hsm-rsa'}`, pdf, bearer(apiKey));
        expect(res.status).toBe(200);
        return new Uint8Array(await res.arrayBuffer());
      }),
    );
    for (const [i, out] of outs.entries())
      expect(nss.pdfsig(tmp.file(`burst-${i}.pdf`, out)).signatures[0]).toMatchObject({ valid: true, trusted: true });
  });

  it('the PIN appears in no log line', () => {
    expect(svc.logs.length).toBeGreaterThan(0);
    for (const line of svc.logs) expect(line).not.toContain(token.pin);
  });
});
