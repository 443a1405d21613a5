/**
 * The DSS writer and the small LTV parts, without network: merging into an existing DSS (pyHanko's, with an
 * indirect DSS, indirect arrays and a VRI) never drops or duplicates what is there, a fresh DSS declares ESIC,
 * VRI keys follow ETSI EN 319 142-1 (uppercase hex SHA-1 of the whole /Contents), and the verifier sees a DSS
 * update as an LTA update.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PdfDict, PdfDocument, PdfRef, type PdfStream } from '@kyso/pdf';
import { analyseModifications, findSignatures } from '@kyso/verify';
import {
  buildDssUpdate,
  ChainedSource,
  ltvPolicy,
  signPdf,
  vriKey,
  DEFAULT_LTV_POLICY,
  pemOrDerCertificates,
} from '@kyso/core';
import { corpusBytes, pdfLibDoc } from '../../../tests/helpers/producers.js';
import { openSigner, certsDir } from '../../../tests/helpers/keys.js';

const pemCert = (name: string): Uint8Array =>
  pemOrDerCertificates(new Uint8Array(readFileSync(join(certsDir, name))))[0];
const apply = (doc: PdfDocument, update: { bytes: Uint8Array }): PdfDocument => {
  const out = new Uint8Array(doc.length + update.bytes.length);
  out.set(doc.source.read(0, doc.length), 0);
  out.set(update.bytes, doc.length);
  return PdfDocument.load(out);
};
const refNums = (doc: PdfDocument, o: unknown): number[] => {
  const a = doc.resolve(o as never);
  return Array.isArray(a) ? a.map((r) => (r as PdfRef).num) : [];
};

describe('merging into an existing DSS', () => {
  const input = corpusBytes('pyhanko/pades-lta-dss-indirect-arrs-test.pdf');
  const doc = PdfDocument.load(input);
  const dss = doc.getDict(doc.catalog(), 'DSS')!;
  const oldCerts = refNums(doc, dss.get('Certs'));
  const existingCert = doc.decode(doc.resolve(new PdfRef(oldCerts[0], 0)) as PdfStream);

  it('keeps every stream and the indirect arrays, adds only what is new, touches neither catalog nor unrelated objects', () => {
    const root = pemCert('root-ca.pem');
    const key = 'A'.repeat(40);
    const update = buildDssUpdate(doc, {
      certificates: [existingCert, root],
      ocsps: [],
      crls: [],
      vri: new Map([[key, { certificates: [root], ocsps: [], crls: [] }]]),
    })!;
    const after = apply(doc, update);
    const catalogNum = (doc.trailer.get('Root') as PdfRef).num;
    const changed = after.changes(after.revisions.length - 1).defined;
    expect(changed).not.toContain(catalogNum);
    const dss2 = after.getDict(after.catalog(), 'DSS')!;
    expect(dss2.get('Certs')).toEqual(dss.get('Certs')); // still the same indirect array object
    const certs = refNums(after, dss2.get('Certs'));
    expect(certs.slice(0, oldCerts.length)).toEqual(oldCerts);
    expect(certs.length).toBe(oldCerts.length + 1); // the existing certificate was not written again
    expect(refNums(after, dss2.get('OCSPs'))).toEqual(refNums(doc, dss.get('OCSPs')));
    const vri = after.getDict(dss2, 'VRI')!;
    const entry = after.resolve(vri.get(key)) as PdfDict;
    expect(refNums(after, entry.get('Cert'))).toEqual([certs[certs.length - 1]]);
    expect(after.decode(after.resolve(new PdfRef(certs[certs.length - 1], 0)) as PdfStream)).toEqual(root);
    // The verifier's modification analysis: a DSS update is an LTA update, allowed after every signature.
    const sigs = findSignatures(after);
    for (const s of sigs) expect(analyseModifications(after, s.revision).level).not.toBe('OTHER');
    expect(analyseModifications(after, after.revisions.length - 2).level).toBe('LTA_UPDATES');
  });

  it('writes nothing when everything is already there', () => {
    expect(buildDssUpdate(doc, { certificates: [existingCert], ocsps: [], crls: [], vri: new Map() })).toBeUndefined();
  });
});

describe('a fresh DSS', () => {
  it('is an indirect /DSS in the catalog with the ESIC extension, and a VRI keyed by the SHA-1 of /Contents', async () => {
    const signed = await signPdf(await pdfLibDoc({ objectStreams: true }), openSigner(), { certificateCheck: false });
    const doc = PdfDocument.load(signed);
    const sig = findSignatures(doc)[0];
    const key = vriKey(sig.contents!);
    expect(key).toBe(createHash('sha1').update(sig.contents!).digest('hex').toUpperCase());
    expect(sig.contents![sig.contents!.length - 1]).toBe(0); // the whole placeholder, zero padding included, is hashed
    const inter = pemCert('intermediate-ca.pem');
    const after = apply(
      doc,
      buildDssUpdate(doc, {
        certificates: [inter],
        ocsps: [],
        crls: [],
        vri: new Map([[key, { certificates: [inter], ocsps: [], crls: [] }]]),
      })!,
    );
    const catalog = after.catalog()!;
    expect(catalog.get('DSS')).toBeInstanceOf(PdfRef);
    expect(after.getDict(after.getDict(catalog, 'Extensions'), 'ESIC')?.get('ExtensionLevel')).toBe(1);
    expect(after.getDict(after.getDict(catalog, 'DSS'), 'VRI')!.keys()).toEqual([key]);
    expect(analyseModifications(after, sig.revision).verdict).toBe('ALLOWED');
  });
});

describe('small parts', () => {
  it('ChainedSource reads across the file and its updates', () => {
    const s = new ChainedSource({ length: 4, read: (a, b) => new Uint8Array([1, 2, 3, 4]).subarray(a, b) }, [
      new Uint8Array([5, 6]),
      new Uint8Array([7]),
    ]);
    expect(s.length).toBe(7);
    expect([...s.read(0, 7)]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect([...s.read(3, 6)]).toEqual([4, 5, 6]);
    expect([...s.read(5, 5)]).toEqual([]);
  });

  it('policy overrides keep the defaults for what they leave undefined', () => {
    expect(ltvPolicy({ revocation: 'ocsp-and-crl', timeoutMs: undefined })).toEqual({
      ...DEFAULT_LTV_POLICY,
      revocation: 'ocsp-and-crl',
    });
  });

  it('reads PEM bundles and DER certificates', () => {
    expect(pemOrDerCertificates(new Uint8Array(readFileSync(join(certsDir, 'ca-chain.pem'))))).toHaveLength(2);
    const der = pemCert('root-ca.pem');
    expect(pemOrDerCertificates(der)).toEqual([der]);
  });
});
