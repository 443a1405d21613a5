/**
 * Embedded validation data: the DSS as of each revision (indirect arrays, VRI), the adbe-revocationInfoArchival
 * attribute, certificates inside CMS and timestamp tokens, the pool's origins and first revisions, and the offline
 * revocation lookup over it — on the public corpus and on a kyso-signed file given a DSS with the test PKI's real
 * OCSP responses and CRL.
 */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PdfDict, PdfDocument, PdfName, type PdfRef, PdfStream, type PdfObject } from '@kyso/pdf';
import { signPdf } from '@kyso/core';
import {
  EVIDENCE_MESSAGES,
  checkDocumentTimestamp,
  checkRevocation,
  checkSignatureTimestamps,
  cmsEvidence,
  collectEvidence,
  describeEvidenceProblem,
  findEmbeddedRevocation,
  findSignatures,
  parseCms,
  readDss,
  vriKeys,
  wrapBasicResponse,
  parseOcspResponse,
  type EvidencePool,
} from '@kyso/verify';
import { TEST_CERTS, leafPem, pemToDer } from '../../../tests/helpers/pki-servers.js';
import { openSigner } from '../../../tests/helpers/keys.js';
import { corpusRows, pdfLibDoc } from '../../../tests/helpers/producers.js';

const CORPUS = fileURLToPath(new URL('../../../tests/fixtures/corpus', import.meta.url));
const LTA = 'pyhanko/pades-lta-dss-indirect-arrs-test.pdf';
const LTA2 = 'pyhanko/pades-lta-dss-indirect-arrs-test-2.pdf';
const ARCHIVAL = '1.2.840.113583.1.1.8';
const load = (path: string) => PdfDocument.load(new Uint8Array(readFileSync(join(CORPUS, path))));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const certDer = (name: string) => pemToDer(readFileSync(leafPem(name).cert, 'utf8'));
const caDer = (file: string) => pemToDer(readFileSync(join(TEST_CERTS, file), 'utf8'));
const cn = (c: pkijs.Certificate) =>
  (c.subject.typesAndValues.find((t) => t.type === '2.5.4.3')?.value as { valueBlock: { value: string } } | undefined)
    ?.valueBlock.value;

describe('the DSS as of a revision', () => {
  it('pyHanko LTA file: no DSS before revision 3; then /Certs, /OCSPs, /CRLs through indirect arrays and one VRI', () => {
    const doc = load(LTA);
    expect(doc.revisions).toHaveLength(5);
    expect(readDss(doc, 2)).toMatchObject({ present: false, certs: [], problems: [] });
    const dss = readDss(doc, 3);
    expect(dss.present).toBe(true);
    expect(dss.problems).toEqual([]);
    expect(dss.certs).toHaveLength(5);
    expect(dss.ocsps).toHaveLength(1);
    expect(dss.crls).toHaveLength(1);
    expect(dss.vri.map((v) => v.key)).toEqual(['37E8639579D2B652A64AB624A22D3823AC6FA4F1']);
    expect(dss.vri[0]).toMatchObject({ certs: expect.any(Array), ocsps: [dss.ocsps[0]], crls: [dss.crls[0]] });
    expect(dss.vri[0].certs).toHaveLength(5);
    // Every item is real DER: the certificates parse, the OCSP response is a successful basic response.
    for (const der of dss.certs)
      expect(() => pkijs.Certificate.fromBER(der.slice().buffer as ArrayBuffer)).not.toThrow();
    expect(parseOcspResponse(dss.ocsps[0]).responseStatus).toBe('successful');
  });

  it('the VRI key is the uppercase SHA-1 of the signature’s /Contents', async () => {
    const doc = load(LTA2);
    const byField = new Map(findSignatures(doc).map((s) => [s.fieldName, s]));
    expect((await vriKeys(byField.get('Sig1')!.contents))[0]).toBe('37E8639579D2B652A64AB624A22D3823AC6FA4F1');
    expect((await vriKeys(byField.get('Sig2')!.contents))[0]).toBe('7423BE1295E17CE4A2F62A802BC0BE2EED6056F3');
  });

  it('a DSS that is not a dictionary, and arrays of non-streams, are problems, not exceptions', async () => {
    const base = await pdfLibDoc({ objectStreams: false });
    const doc = PdfDocument.load(base);
    const w = doc.update();
    const catalogRef = doc.trailer.get('Root') as PdfRef;
    const catalog = new PdfDict(doc.catalog()!.map);
    catalog.map.set('DSS', new PdfDict({ Certs: [1, PdfName.of('x')], OCSPs: 7, VRI: new PdfDict({ NOTAKEY: 3 }) }));
    w.set(catalogRef, catalog);
    const dss = readDss(PdfDocument.load(w.write()));
    expect(dss.present).toBe(true);
    expect(dss.problems).toEqual(['DSS_ITEM_NOT_STREAM', 'DSS_ENTRY_NOT_ARRAY', 'VRI_NOT_DICTIONARY']);
    for (const code of Object.keys(EVIDENCE_MESSAGES) as (keyof typeof EVIDENCE_MESSAGES)[]) {
      expect(describeEvidenceProblem(code).vi.length).toBeGreaterThan(10);
    }
  });
});

describe('the evidence pool', () => {
  it('pyHanko LTA: the DSS’s OCSP response, CRL and certificates, with where and when each appeared', async () => {
    const pool = await collectEvidence(load(LTA));
    expect(pool.problems).toEqual([]);
    expect(pool.ocspResponses).toHaveLength(1);
    expect(pool.crls).toHaveLength(1);
    const [ocsp] = pool.ocspResponses;
    expect(ocsp.facts?.responseStatus).toBe('successful');
    expect(ocsp.firstRevision).toBe(3);
    expect(ocsp.origins).toEqual([
      { source: 'dss', revision: 3 },
      { source: 'vri', revision: 3, vriKey: '37E8639579D2B652A64AB624A22D3823AC6FA4F1', signatureField: 'Sig1' },
    ]);
    expect(pool.crls[0].facts?.thisUpdate.toISOString()).toBe('2020-09-12T00:00:00.000Z');
    const byName = new Map(pool.certificates.map((c) => [cn(c.certificate!), c]));
    expect([...byName.keys()].sort()).toEqual([
      'Alice',
      'Intermediate CA',
      'OCSP responder',
      'Root CA',
      'Time Stamping Authority',
    ]);
    // Alice came in the signature's CMS (revision 2), then the DSS listed her again in revision 3.
    expect(byName.get('Alice')!.firstRevision).toBe(2);
    expect(byName.get('Alice')!.origins.map((o) => o.source)).toEqual(['dss', 'vri', 'cms']);
    // The TSA's certificate is inside the signature timestamp and the document timestamp tokens.
    const tsaOrigins = byName.get('Time Stamping Authority')!.origins.filter((o) => o.source === 'timestamp-token');
    expect(tsaOrigins.map((o) => [o.timestamp, o.revision])).toEqual([
      ['signature-timestamp', 2],
      ['document-timestamp', 3],
    ]);
    // The OCSP responder's certificate is only in the DSS.
    expect(byName.get('OCSP responder')!.firstRevision).toBe(3);
    expect(pool.vri).toMatchObject([
      { key: '37E8639579D2B652A64AB624A22D3823AC6FA4F1', revision: 3, signatureField: 'Sig1' },
    ]);
  });

  it('pyHanko LTA-2: the second OCSP response appears in revision 6, for Sig2; reading as of revision 4 leaves it out', async () => {
    const doc = load(LTA2);
    const pool = await collectEvidence(doc);
    expect(pool.ocspResponses.map((o) => o.firstRevision)).toEqual([3, 6]);
    expect(pool.ocspResponses[1].origins).toContainEqual({
      source: 'vri',
      revision: 6,
      vriKey: '7423BE1295E17CE4A2F62A802BC0BE2EED6056F3',
      signatureField: 'Sig2',
    });
    expect(pool.vri.map((v) => [v.signatureField, v.revision])).toEqual([
      ['Sig1', 3],
      ['Sig2', 6],
    ]);
    const early = await collectEvidence(doc, { upToRevision: 4 });
    expect(early.ocspResponses).toHaveLength(1);
    expect(early.revisionsRead).toBe(5);
    expect(early.certificates.flatMap((c) => c.origins).some((o) => o.signatureField === 'Sig2')).toBe(false);
  });

  it('finds which corpus files carry adbe-revocationInfoArchival and pools their OCSP responses', async () => {
    const withArchival: string[] = [];
    for (const row of corpusRows()) {
      let doc: PdfDocument;
      try {
        doc = load(row.path);
      } catch {
        continue; // unreadable files are the validator's concern
      }
      if (findSignatures(doc).some((s) => parseCms(s.contents).signedAttributeTypes.includes(ARCHIVAL)))
        withArchival.push(row.path);
    }
    expect(withArchival.sort()).toEqual([
      'dss/dss-2236/annotation-and-visible-change.pdf',
      'dss/dss-2236/replace.pdf',
      'dss/pdf-removed-pages.pdf',
      'pyhanko/minimal-signed-twice-both-created.pdf',
      'pyhanko/minimal-signed-twice-second-created.pdf',
      'pyhanko/minimal-two-fields-signed-twice.pdf',
    ]);

    const counts: Record<string, number> = {};
    for (const path of withArchival) {
      const pool = await collectEvidence(load(path));
      expect(pool.problems).toEqual([]);
      const archived = pool.ocspResponses.filter((o) => o.origins.some((x) => x.source === 'revocation-archival'));
      for (const o of archived) expect(o.facts?.responseStatus).toBe('successful');
      counts[path] = archived.length;
    }
    // Adobe writes an empty archival attribute when it was offline; these two carry real responses.
    expect(counts).toEqual({
      'dss/dss-2236/annotation-and-visible-change.pdf': 4,
      'dss/dss-2236/replace.pdf': 0,
      'dss/pdf-removed-pages.pdf': 1,
      'pyhanko/minimal-signed-twice-both-created.pdf': 0,
      'pyhanko/minimal-signed-twice-second-created.pdf': 0,
      'pyhanko/minimal-two-fields-signed-twice.pdf': 0,
    });
  });

  it('an archived OCSP response gives the signer’s status at signing time (pdf-removed-pages.pdf)', async () => {
    const doc = load('dss/pdf-removed-pages.pdf');
    const pool = await collectEvidence(doc);
    const cms = parseCms(findSignatures(doc)[0].contents);
    const signer = cms.signerCertificate!;
    const issuer = pool.certificates.map((c) => c.certificate!).find((c) => c.subject.isEqual(signer.issuer))!;
    const at = new Date('2018-07-10T11:18:50Z');
    const r = await findEmbeddedRevocation(pool, signer, issuer, { at, freshness: 'issued-after' });
    expect(r.status).toBe('good');
    expect(r.source).toBe('ocsp');
    expect(r.decidedBy?.origins).toEqual([
      { source: 'revocation-archival', revision: 1, signatureField: 'Signature1' },
    ]);
  });

  it('CAdES certificate-values and revocation-values unsigned attributes are read (EXPLICIT-tagged lists)', async () => {
    const dss = readDss(load(LTA), 3);
    const signed = await signPdf(await pdfLibDoc({ objectStreams: false }), openSigner());
    const contents = findSignatures(PdfDocument.load(signed))[0].contents!;
    const asn = asn1js.fromBER(contents.slice().buffer as ArrayBuffer);
    const sd = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: asn.result }).content });
    const basic = new Uint8Array(
      pkijs.OCSPResponse.fromBER(dss.ocsps[0].slice().buffer as ArrayBuffer).responseBytes!.response.valueBlock
        .valueHexView,
    );
    const node = (b: Uint8Array) => asn1js.fromBER(b.slice().buffer as ArrayBuffer).result;
    const tagged = (tag: number, items: Uint8Array[]) =>
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: tag },
        value: [new asn1js.Sequence({ value: items.map(node) })],
      });
    sd.signerInfos[0].unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
      type: 1,
      attributes: [
        new pkijs.Attribute({
          type: '1.2.840.113549.1.9.16.2.23',
          values: [new asn1js.Sequence({ value: dss.certs.slice(0, 2).map(node) })],
        }),
        new pkijs.Attribute({
          type: '1.2.840.113549.1.9.16.2.24',
          values: [new asn1js.Sequence({ value: [tagged(0, dss.crls), tagged(1, [basic])] })],
        }),
      ],
    });
    const cms = new Uint8Array(
      new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: sd.toSchema(true) })
        .toSchema()
        .toBER(false),
    );
    const found = cmsEvidence(cms);
    expect(found.problems).toEqual([]);
    const cades = found.items.filter((i) => i.source === 'cades-unsigned');
    expect(cades.map((i) => i.kind)).toEqual(['certificate', 'certificate', 'crl', 'ocsp']);
    expect(hex(cades[2].der)).toBe(hex(dss.crls[0]));
    expect(cades[3].wrappedBasicResponse).toBe(true);
    expect(parseOcspResponse(cades[3].der).responses).toEqual(parseOcspResponse(dss.ocsps[0]).responses);
  });

  it('CAdES revocation values hold BasicOCSPResponses: wrapped, they read as OCSP responses', () => {
    const doc = load(LTA);
    const der = readDss(doc, 3).ocsps[0];
    const facts = parseOcspResponse(der);
    // Take the BasicOCSPResponse out of the DSS's OCSPResponse and wrap it again: the same response.
    const response = pkijs.OCSPResponse.fromBER(der.slice().buffer as ArrayBuffer);
    const basic = new Uint8Array(response.responseBytes!.response.valueBlock.valueHexView);
    const wrapped = parseOcspResponse(wrapBasicResponse(basic));
    expect(wrapped.responses).toEqual(facts.responses);
    expect(wrapped.producedAt).toEqual(facts.producedAt);
  });
});

describe('the offline revocation lookup (pyHanko LTA, no network)', () => {
  async function aliceAndIssuer(): Promise<{
    pool: EvidencePool;
    alice: pkijs.Certificate;
    issuer: pkijs.Certificate;
    root: pkijs.Certificate;
    intermediate: pkijs.Certificate;
  }> {
    const pool = await collectEvidence(load(LTA));
    const named = (name: string) => pool.certificates.find((c) => cn(c.certificate!) === name)!.certificate!;
    return {
      pool,
      alice: named('Alice'),
      issuer: named('Intermediate CA'),
      root: named('Root CA'),
      intermediate: named('Intermediate CA'),
    };
  }

  it('at the validation time: the OCSP response (freshest) says good', async () => {
    const { pool, alice, issuer } = await aliceAndIssuer();
    const r = await findEmbeddedRevocation(pool, alice, issuer, { at: new Date('2020-11-01T00:05:00Z') });
    expect(r.status).toBe('good');
    expect(r.source).toBe('ocsp');
    expect(r.thisUpdate?.toISOString()).toBe('2020-11-01T00:00:00.000Z');
    expect(r.decidedBy?.firstRevision).toBe(3);
    expect(r.decidedBy?.responderCertificate).toBeDefined(); // a delegated responder, found in the response
    expect(r.candidates.map((c) => [c.source, c.outcome])).toEqual([['ocsp', 'good']]); // the CRL is the root's
  });

  it('the intermediate CA: the root’s CRL says good', async () => {
    const { pool, intermediate, root } = await aliceAndIssuer();
    const r = await findEmbeddedRevocation(pool, intermediate, root, { at: new Date('2020-11-01T00:05:00Z') });
    expect(r).toMatchObject({ status: 'good', source: 'crl' });
    expect(r.decidedBy?.origins.map((o) => o.source)).toEqual(['dss', 'vri']);
  });

  it('years later, checked as current: both have expired and the status is unknown', async () => {
    const { pool, alice, issuer, intermediate, root } = await aliceAndIssuer();
    const later = new Date('2023-01-01T00:00:00Z');
    const r = await findEmbeddedRevocation(pool, alice, issuer, { at: later });
    expect(r.status).toBe('unknown');
    expect(r.warnings).toContain('REVOCATION_STATUS_UNKNOWN');
    expect(r.candidates.map((c) => c.problems)).toEqual([['OCSP_EXPIRED']]);
    const ca = await findEmbeddedRevocation(pool, intermediate, root, { at: later });
    expect(ca.candidates.map((c) => c.problems)).toEqual([['CRL_EXPIRED']]);
  });

  it('years later, as proof for the signing time (issued after it): the OCSP response still speaks, the older CRL does not', async () => {
    const { pool, alice, issuer, intermediate, root } = await aliceAndIssuer();
    const signingTime = new Date('2020-11-01T00:00:00Z');
    const r = await findEmbeddedRevocation(pool, alice, issuer, { at: signingTime, freshness: 'issued-after' });
    expect(r).toMatchObject({ status: 'good', source: 'ocsp' });
    const ca = await findEmbeddedRevocation(pool, intermediate, root, { at: signingTime, freshness: 'issued-after' });
    expect(ca.status).toBe('unknown');
    expect(ca.candidates.map((c) => c.problems)).toEqual([['REVOCATION_ISSUED_BEFORE_TIME']]);
  });

  it('only evidence that existed by a revision: none before the DSS', async () => {
    const { pool, alice, issuer } = await aliceAndIssuer();
    const r = await findEmbeddedRevocation(pool, alice, issuer, {
      at: new Date('2020-11-01T00:05:00Z'),
      maxRevision: 2,
    });
    expect(r).toMatchObject({ status: 'unknown', candidates: [], decidedBy: null });
  });
});

describe('a kyso-signed file with a DSS of the test PKI’s real OCSP responses and CRL', () => {
  /** Appends a DSS (indirect arrays of streams) to `pdf` in one incremental update. */
  function withDss(
    pdf: Uint8Array,
    items: { certs: Uint8Array[]; ocsps: Uint8Array[]; crls: Uint8Array[] },
  ): Uint8Array {
    const doc = PdfDocument.load(pdf);
    const w = doc.update();
    const array = (list: Uint8Array[]): PdfRef =>
      w.add(list.map((b) => w.add(PdfStream.fromBytes(new PdfDict(), b)) as PdfObject));
    const dss = w.add(new PdfDict({ Certs: array(items.certs), OCSPs: array(items.ocsps), CRLs: array(items.crls) }));
    const catalog = new PdfDict(doc.catalog()!.map);
    catalog.map.set('DSS', dss);
    w.set(doc.trailer.get('Root') as PdfRef, catalog);
    return w.write();
  }

  it('the revoked certificate is revoked (keyCompromise), the signer good, the seal good by the CRL alone', async () => {
    const intermediate = caDer('intermediate-ca.pem');
    // Online once, to get real responses from the responder on 39601 and the CRL server on 39602...
    const revokedOnline = await checkRevocation(certDer('revoked'), intermediate, { prefer: 'ocsp-and-crl' });
    const signerOnline = await checkRevocation(certDer('signer'), intermediate, { prefer: 'ocsp-then-crl' });
    expect(revokedOnline.evidence.ocspResponses).toHaveLength(1);
    expect(revokedOnline.evidence.crls).toHaveLength(1);
    const signed = await signPdf(await pdfLibDoc({ objectStreams: true }), openSigner());
    const pdf = withDss(signed, {
      certs: [intermediate, caDer('root-ca.pem')],
      ocsps: [...revokedOnline.evidence.ocspResponses, ...signerOnline.evidence.ocspResponses],
      crls: revokedOnline.evidence.crls,
    });

    // ...then offline, from the file alone.
    const pool = await collectEvidence(PdfDocument.load(pdf));
    expect(pool.problems).toEqual([]);
    expect(pool.ocspResponses).toHaveLength(2);
    expect(pool.crls).toHaveLength(1);
    // revision 0 is the input, 1 the signature, 2 the DSS
    expect(pool.ocspResponses.map((o) => [o.firstRevision, o.origins.map((x) => x.source)])).toEqual([
      [2, ['dss']],
      [2, ['dss']],
    ]);
    expect(pool.certificates.map((c) => cn(c.certificate!))).toEqual(
      expect.arrayContaining(['Kyso Test Intermediate CA', 'Kyso Test Root CA']),
    );

    const revoked = await findEmbeddedRevocation(pool, certDer('revoked'), intermediate);
    expect(revoked.status).toBe('revoked');
    expect(revoked.reason).toBe('keyCompromise');
    expect(revoked.revokedBeforeTime).toBe(true);
    expect(revoked.candidates.map((c) => [c.source, c.outcome]).sort()).toEqual([
      ['crl', 'revoked'],
      ['ocsp', 'revoked'],
    ]);

    const good = await findEmbeddedRevocation(pool, certDer('signer'), intermediate);
    expect(good).toMatchObject({ status: 'good', source: 'ocsp' });

    const seal = await findEmbeddedRevocation(pool, certDer('seal'), intermediate);
    expect(seal).toMatchObject({ status: 'good', source: 'crl' });
    expect(seal.candidates.map((c) => c.source)).toEqual(['crl']); // neither OCSP response is about the seal

    // The issuer must be the issuer: with the root as "issuer", nothing answers.
    const wrongIssuer = await findEmbeddedRevocation(pool, certDer('signer'), caDer('root-ca.pem'));
    expect(wrongIssuer.status).toBe('unknown');
  });

  it('a kyso B-B signature’s CMS carries the signer’s chain as evidence', async () => {
    const signed = await signPdf(await pdfLibDoc({ objectStreams: false }), openSigner());
    const [sig] = findSignatures(PdfDocument.load(signed));
    const found = cmsEvidence(sig.contents);
    expect(found.problems).toEqual([]);
    expect(found.items.every((i) => i.kind === 'certificate' && i.source === 'cms')).toBe(true);
    expect(found.items.map((i) => hex(i.der))).toContain(hex(certDer('signer')));
  });
});

describe('hostile input', () => {
  it('mutated LTA files: gathering evidence and checking timestamps give facts, never an exception', async () => {
    const original = new Uint8Array(readFileSync(join(CORPUS, LTA2)));
    let seed = 20261122;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    let checked = 0;
    for (let i = 0; i < 60; i++) {
      const bytes = original.slice();
      for (let k = 0; k < 8; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      let doc: PdfDocument;
      try {
        doc = PdfDocument.load(bytes);
      } catch {
        continue; // the PDF layer's typed error: nothing for this module to read
      }
      const pool = await collectEvidence(doc);
      expect(Array.isArray(pool.problems)).toBe(true);
      for (const s of findSignatures(doc)) {
        if (s.kind === 'doc-timestamp')
          expect((await checkDocumentTimestamp(bytes, s, { doc })).timestamp).toBeDefined();
        else expect(Array.isArray(await checkSignatureTimestamps(parseCms(s.contents)))).toBe(true);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
  });
});

describe('one parse per /Contents, shared by the signature facts and the evidence pool', () => {
  it('reading the CMS facts first leaves the shared tree whole: the evidence still holds every certificate, in any order, twice', async () => {
    const signed = await signPdf(await pdfLibDoc({ objectStreams: false }), openSigner(), { certificateCheck: false });
    const [sig] = findSignatures(PdfDocument.load(signed));
    const first = parseCms(sig.contents);
    const evidence = cmsEvidence(sig.contents).items.filter((i) => i.kind === 'certificate');
    const again = parseCms(sig.contents);
    expect(first.certificates.length).toBe(3); // the signer, the intermediate and the root, as the .p12 holds them
    expect(again.certificates.length).toBe(first.certificates.length);
    expect(evidence.map((i) => hex(i.der)).sort()).toEqual(
      first.certificates.map((c) => hex(new Uint8Array(c.toSchema().toBER(false)))).sort(),
    );
    expect(again.signerCertificate).toBe(first.signerCertificate);
    expect(cmsEvidence(sig.contents).items.filter((i) => i.kind === 'certificate')).toHaveLength(evidence.length);
  });
});
