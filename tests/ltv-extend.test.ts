/**
 * `extend` (augmenting already signed files) against the real services: kyso's own B-B and B-T files taken to
 * B-T, B-LT and B-LTA, the archive-timestamp renewal of an LTA file, the valid corpus files (signed by pyHanko),
 * and a revoked signer whose revocation the DSS then records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { PdfDocument } from '@kyso/pdf';
import { findSignatures } from '@kyso/verify';
import {
  extendPdf,
  gatherValidationData,
  signPdf,
  tsaTimestamper,
  type ExtendOptions,
  type SigningWarning,
} from '@kyso/core';
import { corpusBytes, corpusDir, corpusRows, pdfLibDoc } from './helpers/producers.js';
import { makeNssDb, type NssDb } from './helpers/nss.js';
import { openSigner } from './helpers/keys.js';
import { startTsa, TEST_CERTS, type TsaServer } from './helpers/pki-servers.js';
import { qpdfCheck, scratch } from './helpers/tools.js';
import {
  certFacts,
  coverage,
  expectAllValid,
  expectChainCovered,
  readDss,
  startsWith,
  vriKeyOf,
} from './helpers/ltv.js';
import { readFileSync } from 'node:fs';

const tmp = scratch('kyso-ltv-extend-');
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

/** A kyso file with two B-B signatures (a person, then the organisation's seal). */
async function twiceSigned(): Promise<Uint8Array> {
  const first = await signPdf(await pdfLibDoc({ objectStreams: true }), openSigner('signer.p12'), check);
  return signPdf(first, openSigner('seal.p12'), check);
}

async function extendChecked(
  name: string,
  input: Uint8Array,
  options: Omit<ExtendOptions, 'timestamper'>,
  trusted = true,
) {
  const { pdf, report } = await extendPdf(input, { ...options, timestamper: tsaTimestamper(tsa.url) });
  expect(startsWith(pdf, input)).toBe(true);
  const path = tmp.file(name, pdf);
  expect(qpdfCheck(path).status).toBe(0);
  const doc = PdfDocument.load(pdf);
  const found = findSignatures(doc);
  expectAllValid(nss, path, pdf, found, { caFile: CA_CHAIN, trusted });
  return { pdf, report, doc, found };
}

describe('extend kyso files', () => {
  it('B-T on B-B signatures appends one document timestamp covering both', async () => {
    const input = await twiceSigned();
    const { found, report } = await extendChecked('bb-to-bt.pdf', input, { level: 'B-T' });
    expect(report.added).toEqual(['doc-timestamp']);
    expect(found.map((s) => s.kind)).toEqual(['approval', 'approval', 'doc-timestamp']);
  });

  it('B-T on a B-T signature adds nothing', async () => {
    const input = await signPdf(await pdfLibDoc({ objectStreams: false }), openSigner(), {
      ...check,
      level: 'B-T',
      timestamper: tsaTimestamper(tsa.url),
    });
    const { pdf, report } = await extendPdf(input, { level: 'B-T', timestamper: tsaTimestamper(tsa.url) });
    expect(report.added).toEqual([]);
    expect(pdf.length).toBe(input.length);
  });

  it('B-LT on B-B signatures: a document timestamp, then a DSS for both signers and its TSA, with VRI entries', async () => {
    const input = await twiceSigned();
    const { doc, found, report } = await extendChecked('bb-to-blt.pdf', input, { level: 'B-LT' });
    expect(report.added).toEqual(['doc-timestamp', 'dss']);
    const dss = readDss(doc);
    expectChainCovered(dss, found[0]);
    expectChainCovered(dss, found[1]);
    expectChainCovered(dss, found[2]); // the document timestamp's TSA chain
    expect([...dss.vri.keys()].sort()).toEqual(found.map((s) => vriKeyOf(s.contents!)).sort());
    expect(dss.certs.some((c) => c.subject.includes('Văn phòng'))).toBe(true); // the seal's certificate
  });

  it('B-LTA on a B-T file, then renewal: the DSS keeps what it had and gains the old archive timestamp', async () => {
    const input = await signPdf(await pdfLibDoc({ objectStreams: true }), openSigner('signer-ec.p12'), {
      ...check,
      level: 'B-T',
      timestamper: tsaTimestamper(tsa.url),
    });
    const first = await extendChecked('bt-to-blta.pdf', input, { level: 'B-LTA' });
    expect(first.report.added).toEqual(['dss', 'doc-timestamp']);
    const dss1 = readDss(first.doc);
    expectChainCovered(dss1, first.found[0]);

    const renewed = await extendChecked('blta-renewed.pdf', first.pdf, { level: 'B-LTA' });
    expect(renewed.found.map((s) => s.kind)).toEqual(['approval', 'doc-timestamp', 'doc-timestamp']);
    const dss2 = readDss(renewed.doc);
    // merged, never pruned: the same stream objects, in the same order, at the start of each array
    expect(dss2.refs.certs.slice(0, dss1.refs.certs.length)).toEqual(dss1.refs.certs);
    expect(dss2.refs.ocsps.slice(0, dss1.refs.ocsps.length)).toEqual(dss1.refs.ocsps);
    expect(dss2.refs.crls.slice(0, dss1.refs.crls.length)).toEqual(dss1.refs.crls);
    expect(dss2.vri.has(vriKeyOf(first.found[0].contents!))).toBe(true);
    // the previous archive timestamp now has its own validation data
    expectChainCovered(dss2, renewed.found[1]);
  });

  it('a revoked signer signed without the pre-check: B-LT extension embeds the revoked OCSP status', async () => {
    const input = await signPdf(await pdfLibDoc({ objectStreams: false }), openSigner('revoked.p12'), {
      certificateCheck: false,
      level: 'B-T',
      timestamper: tsaTimestamper(tsa.url),
    });
    const warnings: SigningWarning[] = [];
    const { pdf, report } = await extendPdf(input, {
      level: 'B-LT',
      timestamper: tsaTimestamper(tsa.url),
      policy: { revoked: 'embed' },
      onWarning: (w) => warnings.push(w),
    });
    expect(warnings.some((w) => w.code === 'LTV_CERT_REVOKED')).toBe(true);
    expect(report.certificates.find((c) => c.subject === 'Lê Thị Bị Thu Hồi')?.status).toBe('revoked');
    const dss = readDss(PdfDocument.load(pdf));
    const signerCert = dss.certs.find((c) => c.subject.includes('Lê Thị Bị Thu Hồi'))!;
    expect(dss.ocsps.some((o) => o.statuses.get(signerCert.serial) === 'revoked')).toBe(true);
  });

  it('the same file with the signing policy (revoked: error) is refused with a typed error', async () => {
    const input = await signPdf(await pdfLibDoc({ objectStreams: false }), openSigner('revoked.p12'), {
      certificateCheck: false,
      level: 'B-T',
      timestamper: tsaTimestamper(tsa.url),
    });
    await expect(
      extendPdf(input, { level: 'B-LT', timestamper: tsaTimestamper(tsa.url), policy: { revoked: 'error' } }),
    ).rejects.toMatchObject({ code: 'LTV_CERT_REVOKED' });
  });
});

describe('chains the signature does not carry', () => {
  it('are completed from the caIssuers URL, or refused with LTV_CHAIN_INCOMPLETE when fetching is off', async () => {
    // A signature whose CMS holds only the signer's certificate (many real tokens sign so) and no timestamp.
    const target = {
      label: 'Signature1',
      vriKey: 'B'.repeat(40),
      leaves: [openSigner().certificate],
      certificates: [],
    };
    await expect(gatherValidationData([target], { policy: { fetchIssuers: false } })).rejects.toMatchObject({
      code: 'LTV_CHAIN_INCOMPLETE',
    });
    // The intermediate from http://127.0.0.1:39602/intermediate-ca.cer, the root from its own caIssuers URL.
    const data = await gatherValidationData([target]);
    expect(data.certificates.map((d) => certFacts(d).subject.replace(/^.*CN=([^,]+).*$/, '$1'))).toEqual([
      'Nguyễn Thị Lấp Lánh Ánh',
      'Kyso Test Intermediate CA',
      'Kyso Test Root CA',
      'Kyso Test OCSP Responder',
    ]);
    expect(data.report.map((r) => r.status)).toEqual(['good', 'good', 'root', 'ocsp-nocheck']);
    expect(data.vri.get('B'.repeat(40))!.ocsps.length).toBe(1);
    expect(data.vri.get('B'.repeat(40))!.crls.length).toBe(1); // the intermediate's status, from the root's CRL
  });
});

describe('signing B-LT with a revoked certificate', () => {
  it('is refused by the pre-signing check, or by the LTV gathering when that check is off', async () => {
    const input = await pdfLibDoc({ objectStreams: false });
    await expect(
      signPdf(input, openSigner('revoked.p12'), { level: 'B-LT', timestamper: tsaTimestamper(tsa.url) }),
    ).rejects.toMatchObject({ code: 'SIGN_CERT_REVOKED' });
    const e = await signPdf(input, openSigner('revoked.p12'), {
      certificateCheck: false,
      level: 'B-LT',
      timestamper: tsaTimestamper(tsa.url),
    }).catch((x: unknown) => x);
    expect(e).toMatchObject({
      code: 'LTV_CERT_REVOKED',
      messageVi: expect.stringContaining('thu hồi'),
      messageEn: expect.stringContaining('revoked'),
    });
  });
});

describe('extend the valid corpus files (signed by pyHanko)', () => {
  const rows = corpusRows().filter((r) => r.expected === 'valid');
  it.each(rows.map((r) => [r.path, r.trustRoot] as const))(
    '%s to B-LTA: earlier signatures stay valid, the DSS holds the signer chain',
    async (path, root) => {
      const input = corpusBytes(path);
      const rootDer = readFileSync(join(corpusDir, root));
      const warnings: SigningWarning[] = [];
      // The pyHanko test CA's OCSP and CRL addresses do not exist: go on with warnings, embed what can be had.
      const { doc, found, report } = await extendChecked(
        `corpus-${path.replace(/\W+/g, '-')}`,
        input,
        {
          level: 'B-LTA',
          extraCertificates: [
            new Uint8Array(
              Buffer.from(
                /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END/.exec(rootDer.toString())![1].replace(/\s+/g, ''),
                'base64',
              ),
            ),
          ],
          policy: { missing: 'warn', fetchIssuers: false, timeoutMs: 2000 },
          onWarning: (w) => warnings.push(w),
        },
        false,
      );
      expect(report.added).toEqual(['dss', 'doc-timestamp']);
      expect(warnings.some((w) => w.code === 'LTV_REVOCATION_UNAVAILABLE')).toBe(true);
      const dss = readDss(doc);
      // every signature before the new archive timestamp has its VRI entry
      for (const s of found.slice(0, -1)) expect(dss.vri.has(vriKeyOf(s.contents!))).toBe(true);
      const rootCert = certFacts(dss.certs.find((c) => c.selfIssued && c.subject.includes('CN=Root CA'))!.der);
      expect(coverage(dss, rootCert)).toBe('root');
    },
  );
});
