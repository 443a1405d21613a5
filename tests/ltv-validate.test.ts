/**
 * The long-term promise, checked by kyso's validator (validatePdf): a B-LT or B-LTA file validates offline from
 * its embedded data alone (no network: the fetch given throws) to TOTAL-PASSED, now and at a time after the
 * signer's certificate has expired (its notAfter is 20 years ahead), thanks to the timestamps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { validatePdf, type FetchLike } from '@kyso/verify';
import { extendPdf, parseCertificate, signPdf, tsaTimestamper } from '@kyso/core';
import { pdfLibDoc } from './helpers/producers.js';
import { openSigner } from './helpers/keys.js';
import { startTsa, TEST_CERTS, type TsaServer } from './helpers/pki-servers.js';

let tsa: TsaServer;
beforeAll(async () => {
  tsa = await startTsa();
});
afterAll(async () => {
  await tsa?.stop();
});

const root = readFileSync(join(TEST_CERTS, 'root-ca.pem'), 'utf8');
let fetched = 0;
const noNetwork: FetchLike = async (url) => {
  fetched++;
  throw new Error(`offline: ${url}`);
};
const offline = (at?: Date) => ({ trustAnchors: [root], online: false, fetch: noNetwork, at });
const check = { certificateCheck: { revocation: 'require' as const } };

describe('LT/LTA files validate offline', () => {
  it.each(['B-LT', 'B-LTA'] as const)('%s, now and after the signer certificate expired', async (level) => {
    const signer = openSigner();
    const pdf = await signPdf(await pdfLibDoc({ objectStreams: true }), signer, { ...check, level, timestamper: tsaTimestamper(tsa.url) });
    fetched = 0;
    const now = await validatePdf(pdf, offline());
    expect(now.signatures.map((s) => [s.kind, s.indication, s.subIndication])).toEqual(
      level === 'B-LTA' ? [['approval', 'TOTAL-PASSED', null], ['doc-timestamp', 'TOTAL-PASSED', null]] : [['approval', 'TOTAL-PASSED', null]],
    );
    expect(now.signatures[0].level).toBe(level);
    const later = new Date(parseCertificate(signer.certificate).notAfter.getTime() + 24 * 3600_000);
    const afterExpiry = await validatePdf(pdf, offline(later));
    expect(afterExpiry.signatures[0]).toMatchObject({ indication: 'TOTAL-PASSED' });
    expect(fetched).toBe(0);
  });

  it('a B-B file extended to B-LTA validates offline too', async () => {
    const bb = await signPdf(await pdfLibDoc({ objectStreams: false }), openSigner('signer-ec.p12'), check);
    const { pdf } = await extendPdf(bb, { level: 'B-LTA', timestamper: tsaTimestamper(tsa.url) });
    const report = await validatePdf(pdf, offline());
    expect(report.signatures.map((s) => s.indication)).toEqual(['TOTAL-PASSED', 'TOTAL-PASSED']);
  });
});

describe('a document timestamp on a certified document', () => {
  it('is permitted under DocMDP P=1 (ETSI EN 319 142-1): the certification stays TOTAL-PASSED', async () => {
    const signer = openSigner();
    const certified = await signPdf(await pdfLibDoc({ objectStreams: false }), signer, { ...check, certify: 1 });
    const { pdf } = await extendPdf(certified, { level: 'B-LTA', timestamper: tsaTimestamper(tsa.url) });
    const report = await validatePdf(pdf, offline());
    expect(report.signatures.map((s) => [s.kind, s.indication, s.modifications])).toEqual([
      ['certification', 'TOTAL-PASSED', 'ALLOWED'],
      ['doc-timestamp', 'TOTAL-PASSED', 'NONE'],
    ]);
  });
});
