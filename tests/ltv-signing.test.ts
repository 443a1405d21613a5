/**
 * PAdES B-LT and B-LTA signing against the real services: the TSA (openssl ts -reply), the OCSP responder on 39601
 * and the CA HTTP server on 39602 that the test certificates name. Outputs are checked by pdfsig (valid and
 * trusted), qpdf --check, and by reading the DSS back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PdfDocument } from '@kyso/pdf';
import { findSignatures } from '@kyso/verify';
import { signFile, signPdf, tsaTimestamper } from '@kyso/core';
import { pdfLibDoc } from './helpers/producers.js';
import { makeNssDb, type NssDb } from './helpers/nss.js';
import { openSigner } from './helpers/keys.js';
import { startTsa, type TsaServer } from './helpers/pki-servers.js';
import { qpdfCheck, scratch } from './helpers/tools.js';
import { coverage, readDss, expectAllValid, expectChainCovered, startsWith } from './helpers/ltv.js';
import { TEST_CERTS } from './helpers/pki-servers.js';

const tmp = scratch('kyso-ltv-sign-');
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

const check = { certificateCheck: { revocation: 'require' as const } };

describe('signing B-LT and B-LTA', () => {
  it.each([
    ['signer.p12', 'B-LT'],
    ['signer.p12', 'B-LTA'],
    ['signer-ec.p12', 'B-LT'],
    ['signer-ec.p12', 'B-LTA'],
  ] as const)('%s at %s: pdfsig valid and trusted, qpdf clean, DSS covers the chains with VRI', async (p12, level) => {
    const input = await pdfLibDoc({ objectStreams: level === 'B-LT' });
    const out = await signPdf(input, openSigner(p12), { ...check, level, timestamper: tsaTimestamper(tsa.url) });
    expect(startsWith(out, input)).toBe(true);
    const path = tmp.file(`${p12}-${level}.pdf`, out);
    expect(qpdfCheck(path).status).toBe(0);
    const doc = PdfDocument.load(out);
    const found = findSignatures(doc);
    expect(found.map((s) => s.kind)).toEqual(level === 'B-LTA' ? ['approval', 'doc-timestamp'] : ['approval']);
    expectAllValid(nss, path, out, found, { caFile: CA_CHAIN });
    const dss = readDss(doc);
    expectChainCovered(dss, found[0]);
    // the default policy: OCSP where a responder is named (leaves), the CRL where not (the intermediate)
    const by = (cn: string) => dss.certs.find((c) => c.subject.includes(`CN=${cn}`))!;
    expect(
      coverage(
        dss,
        dss.certs.find((c) => !c.selfIssued && c.issuer.includes('Intermediate') && !c.subject.includes('Kyso Test'))!,
      ),
    ).toBe('ocsp');
    expect(coverage(dss, by('Kyso Test Intermediate CA'))).toBe('crl');
    expect(coverage(dss, by('Kyso Test TSA'))).toBe('ocsp');
    expect(coverage(dss, by('Kyso Test OCSP Responder'))).toBe('ocsp-nocheck');
    expect(coverage(dss, by('Kyso Test Root CA'))).toBe('root');
    for (const o of dss.ocsps) expect([...o.statuses.values()]).toEqual(['good']);
    if (level === 'B-LTA') {
      expect(found[1].dict.get('SubFilter')).toMatchObject({ name: 'ETSI.RFC3161' });
      expect(found[1].dict.get('Type')).toMatchObject({ name: 'DocTimeStamp' });
    }
  });

  it('signFile at B-LTA writes the same structure and leaves nothing else behind', async () => {
    const dir = scratch('kyso-ltv-file-');
    try {
      const inPath = dir.file('in.pdf', await pdfLibDoc({ objectStreams: false }));
      const outPath = join(dir.dir, 'out.pdf');
      await signFile(inPath, outPath, openSigner(), { ...check, level: 'B-LTA', timestamper: tsaTimestamper(tsa.url) });
      expect(readdirSync(dir.dir).sort()).toEqual(['in.pdf', 'out.pdf']);
      const out = new Uint8Array(readFileSync(outPath));
      const found = findSignatures(PdfDocument.load(out));
      expect(found.map((s) => s.kind)).toEqual(['approval', 'doc-timestamp']);
      expectAllValid(nss, outPath, out, found, { caFile: CA_CHAIN });
    } finally {
      dir.cleanup();
    }
  });
});
