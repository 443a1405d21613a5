/**
 * The long-term promise, checked by kyso's validator (validatePdf): a B-LT or B-LTA file validates offline from
 * its embedded data alone (no network: the fetch given throws) to TOTAL-PASSED, now and at a time after the
 * signer's certificate has expired (its notAfter is 20 years ahead), thanks to the timestamps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { validatePdf, type FetchLike } from '@kyso/verify';
import { extendPdf, Pkcs12Signer, signPdf, tsaTimestamper } from '@kyso/core';
import { datedPki } from '../packages/verify/test/helpers/dated-pki.js';
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
  it.each(['B-LT', 'B-LTA'] as const)(
    "%s with the test PKI: offline TOTAL-PASSED now; after the TSA certificate expired (the same day as the signer's) INDETERMINATE until an archive timestamp is renewed",
    async (level) => {
      const signer = openSigner();
      const pdf = await signPdf(await pdfLibDoc({ objectStreams: true }), signer, {
        ...check,
        level,
        timestamper: tsaTimestamper(tsa.url),
      });
      fetched = 0;
      const now = await validatePdf(pdf, offline());
      expect(now.signatures.map((s) => [s.kind, s.indication, s.subIndication])).toEqual(
        level === 'B-LTA'
          ? [
              ['approval', 'TOTAL-PASSED', null],
              ['doc-timestamp', 'TOTAL-PASSED', null],
            ]
          : [['approval', 'TOTAL-PASSED', null]],
      );
      expect(now.signatures[0].level).toBe(level);
      const tsaEnd = Date.parse(now.signatures[0].timestamps[0].tsaValidUntil!);
      const late = await validatePdf(pdf, offline(new Date(tsaEnd + 24 * 3600_000)));
      expect([late.signatures[0].indication, late.signatures[0].subIndication]).toEqual([
        'INDETERMINATE',
        'OUT_OF_BOUNDS_NO_POE',
      ]);
      expect(late.signatures[0].timestamps.every((t) => !t.provesExistence)).toBe(true);
      expect(fetched).toBe(0);
    },
  );

  it.each(['B-LT', 'B-LTA'] as const)(
    "%s by a signer whose certificate ends years before the TSA's: offline TOTAL-PASSED after the signer certificate expired (proof of existence)",
    async (level) => {
      const day = 86_400_000;
      const crlUrl = 'http://127.0.0.1:39609/dated-root.crl'; // nothing listens there: short.fetchWithCrl serves it
      const short = datedPki({
        root: [new Date(Date.now() - day), new Date(Date.now() + 3650 * day)],
        leaf: [new Date(Date.now() - day), new Date(Date.now() + 365 * day)],
        leafName: 'Phạm Văn Ngắn Hạn',
        crlUrl,
      });
      const pdf = await signPdf(
        await pdfLibDoc({ objectStreams: false }),
        Pkcs12Signer.open(short.p12, short.password),
        {
          certificateCheck: false,
          level,
          timestamper: tsaTimestamper(tsa.url),
          ltv: { fetch: short.fetchWithCrl },
        },
      );
      const anchors = (at?: Date) => ({ ...offline(at), trustAnchors: [root, short.rootPem] });
      fetched = 0;
      const now = await validatePdf(pdf, anchors());
      expect(now.signatures[0]).toMatchObject({ indication: 'TOTAL-PASSED', level });
      const signerEnd = Date.parse(now.signatures[0].signer!.validTo);
      const afterSigner = new Date(signerEnd + 30 * day);
      expect(afterSigner.getTime()).toBeLessThan(Date.parse(now.signatures[0].timestamps[0].tsaValidUntil!));
      const late = await validatePdf(pdf, anchors(afterSigner));
      expect(late.signatures[0]).toMatchObject({
        indication: 'TOTAL-PASSED',
        signingTimeSource: 'timestamp',
        certificateValidAtSigningTime: true,
      });
      expect(late.signatures[0].revocation[0]).toMatchObject({ certificate: 'Phạm Văn Ngắn Hạn', status: 'GOOD' });
      expect(fetched).toBe(0);
    },
  );

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

describe('archive timestamp renewal', () => {
  it('an LTA file renewed by a second TSA before the first TSA certificate ran out validates after it did; the same file unrenewed does not', async () => {
    const day = 86_400_000;
    const second = datedPki({
      root: [new Date(Date.now() - day), new Date(Date.now() + 40 * 365 * day)],
      leaf: [new Date(Date.now() - day), new Date(Date.now() + 30 * 365 * day)],
      leafName: 'Kyso Second TSA',
      purpose: 'timestamping',
    });
    const tsa2 = await startTsa({
      signer: { certPem: second.leafCertPem, keyPem: second.leafKeyPem, chainPem: second.rootPem },
    });
    try {
      const lta = await signPdf(await pdfLibDoc({ objectStreams: false }), openSigner(), {
        ...check,
        level: 'B-LTA',
        timestamper: tsaTimestamper(tsa.url),
      });
      const { pdf: renewed, report } = await extendPdf(lta, { level: 'B-LTA', timestamper: tsaTimestamper(tsa2.url) });
      expect(report.added).toEqual(['dss', 'doc-timestamp']);
      const anchors = (at?: Date) => ({ ...offline(at), trustAnchors: [root, second.rootPem] });
      fetched = 0;
      const now = await validatePdf(renewed, anchors());
      expect(now.signatures.map((s) => [s.kind, s.indication])).toEqual([
        ['approval', 'TOTAL-PASSED'],
        ['doc-timestamp', 'TOTAL-PASSED'],
        ['doc-timestamp', 'TOTAL-PASSED'],
      ]);
      const firstTsaEnd = Date.parse(now.signatures[0].timestamps[0].tsaValidUntil!);
      const after = new Date(firstTsaEnd + 30 * day); // the signer's certificate has expired by then too
      expect(after.getTime()).toBeGreaterThan(Date.parse(now.signatures[0].signer!.validTo));

      const late = await validatePdf(renewed, anchors(after));
      expect(late.signatures[0]).toMatchObject({
        indication: 'TOTAL-PASSED',
        signingTimeSource: 'timestamp',
        certificateValidAtSigningTime: true,
      });
      // the signature timestamp and the first archive timestamp now prove existence through the second
      expect(late.signatures[0].timestamps.map((t) => [t.kind, t.tsa, t.provesExistence])).toEqual([
        ['signature-timestamp', 'Kyso Test TSA', true],
        ['document-timestamp', 'Kyso Test TSA', true],
        ['document-timestamp', 'Kyso Second TSA', true],
      ]);

      const unrenewed = await validatePdf(lta, anchors(after));
      expect([unrenewed.signatures[0].indication, unrenewed.signatures[0].subIndication]).toEqual([
        'INDETERMINATE',
        'OUT_OF_BOUNDS_NO_POE',
      ]);
      expect(fetched).toBe(0);
    } finally {
      await tsa2.stop();
    }
  });
});
