/** Integrity facts (ByteRange, digest, CMS signature, signing-certificate binding) on the public corpus and on files kyso signs. */
import { fileURLToPath } from 'node:url';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { PdfDocument } from '@kyso/pdf';
import { Pkcs12Signer, signPdf, type Pkcs12Options } from '@kyso/core';
import { findSignatures, type FoundSignature } from '../src/signature/find-signatures.js';
import { checkIntegrity, type IntegrityFacts } from '../src/signature/integrity.js';
import { checkByteRange } from '../src/signature/byte-range.js';
import { parseCms } from '../src/signature/cms.js';

const CORPUS = fileURLToPath(new URL('../../../tests/fixtures/corpus', import.meta.url));
const CERTS = new URL('../../../test-certs/', import.meta.url);

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.pdf') ? [p] : [];
    });
}

async function analyse(bytes: Uint8Array): Promise<Array<{ sig: FoundSignature; facts: IntegrityFacts }>> {
  const doc = PdfDocument.load(bytes);
  const out = [];
  for (const sig of findSignatures(doc)) out.push({ sig, facts: await checkIntegrity(bytes, sig, { doc }) });
  return out;
}

const corpus = async (path: string) => analyse(new Uint8Array(readFileSync(join(CORPUS, path))));

describe('integrity facts on the public corpus', () => {
  it('two Adobe signatures: both intact, first covers its revision, second the whole file', async () => {
    const r = await corpus('pyhanko/minimal-signed-twice-both-created.pdf');
    expect(r).toHaveLength(2);
    expect(r.map((x) => x.sig.revision)).toEqual([0, 1]);
    for (const { sig, facts } of r) {
      expect(sig.kind).toBe('approval');
      expect(sig.subFilter).toBe('adbe.pkcs7.detached');
      expect(facts.intact).toBe(true);
      expect(facts.digestMatches).toBe(true);
      expect(facts.signatureValid).toBe(true);
      expect(facts.byteRange.wellFormed).toBe(true);
      expect(facts.problems).toEqual([]);
    }
    expect(r[0].facts.byteRange.coverage).toBe('ENTIRE_REVISION');
    expect(r[0].facts.byteRange.coveredRevision).toBe(0);
    expect(r[1].facts.byteRange.coverage).toBe('ENTIRE_FILE');
  });

  it('coverage anomalies yield the matching coverage facts while the CMS stays valid', async () => {
    const tail = (await corpus('pyhanko/coverage-anomalies/tail-uncovered.pdf'))[0].facts;
    expect(tail.byteRange.coverage).toBe('PARTIAL');
    expect(tail.problems).toEqual(['COVERAGE_PARTIAL']);
    expect(tail.intact).toBe(true);

    const gap = (await corpus('pyhanko/coverage-anomalies/signature-gap-too-big.pdf'))[0].facts;
    expect(gap.problems).toContain('BYTERANGE_GAP_NOT_CONTENTS');
    expect(gap.byteRange.wellFormed).toBe(false);
    expect(gap.signatureValid).toBe(true);

    const one = (await corpus('pyhanko/coverage-anomalies/one-byterange.pdf'))[0].facts;
    expect(one.problems).toContain('BYTERANGE_NOT_FOUR_INTEGERS');
    expect(one.byteRange.coverage).toBe('PARTIAL');
    expect(one.byteRange.wellFormed).toBe(false);

    const weird = (await corpus('pyhanko/coverage-anomalies/weird-byterange.pdf'))[0].facts;
    expect(weird.problems).toContain('BYTERANGE_GAP_NOT_CONTENTS');
    expect(weird.byteRange.coverage).toBe('PARTIAL');
    expect(weird.byteRange.wellFormed).toBe(false);
  });

  it('dss/pdf-byterange-overlap: first intact, second fails', async () => {
    const r = await corpus('dss/pdf-byterange-overlap.pdf');
    expect(r).toHaveLength(2);
    expect(r[0].facts.intact).toBe(true);
    expect(r[0].facts.problems).toEqual([]);
    expect(r[1].facts.intact).toBe(false);
    expect(r[1].facts.problems).toContain('BYTERANGE_GAP_NOT_CONTENTS');
    expect(r[1].facts.problems).toContain('DIGEST_MISMATCH');
  });

  it('dss/pdf-eof: a ByteRange past the end of the file is unclear and not intact', async () => {
    const f = (await corpus('dss/pdf-eof.pdf'))[0].facts;
    expect(f.byteRange.coverage).toBe('UNCLEAR');
    expect(f.problems).toContain('BYTERANGE_OUT_OF_BOUNDS');
    expect(f.intact).toBe(false);
  });

  it('dss/BadEncodedCMS: a format problem, no throw', async () => {
    const f = (await corpus('dss/BadEncodedCMS.pdf'))[0].facts;
    expect(f.problems).toContain('CMS_INTEGER_NOT_MINIMAL');
  });

  it('pdf-sig-with-econtent: encapsulated content under a detached SubFilter is a format problem', async () => {
    const f = (await corpus('pyhanko/pdf-sig-with-econtent.pdf'))[0].facts;
    expect(f.problems).toContain('ECONTENT_IN_DETACHED');
  });

  it('CMS without signed attributes: the signature over the content is the digest check', async () => {
    for (const file of ['dss/pkcs7-no-message-digest.pdf', 'pyhanko/sig-no-signed-attrs.pdf']) {
      const f = (await corpus(file))[0].facts;
      expect(f.cms.hasSignedAttributes).toBe(false);
      expect(f.signatureValid).toBe(true);
      expect(f.digestMatches).toBe(true);
      expect(f.intact).toBe(true);
      expect(f.problems).toEqual([]);
    }
  });

  it('adbe.pkcs7.sha1: eContent holds the SHA-1 of the ranges', async () => {
    const r = await corpus('dss/pkcs7_sha1.pdf');
    expect(r.map((x) => x.sig.subFilter)).toEqual(['adbe.pkcs7.sha1', 'adbe.pkcs7.detached']);
    const f = r[0].facts;
    expect(f.digestAlgorithm).toBe('SHA-1');
    expect(f.cms.eContent?.length).toBe(20);
    expect(f.intact).toBe(true);
    expect(r[1].facts.intact).toBe(true);
  });

  it('a subjectKeyIdentifier signer identifier finds the certificate', async () => {
    const f = (await corpus('pyhanko/sig-with-ski-sid.pdf'))[0].facts;
    expect(f.cms.sid?.type).toBe('subjectKeyIdentifier');
    expect(f.cms.signerCertificate).not.toBeNull();
    expect(f.intact).toBe(true);
    expect(f.signingCertificateBound).toBe(true);
  });

  it('old-style signing-certificate (v1) attributes bind the signer', async () => {
    for (const file of [
      'pyhanko/pades-with-old-style-signing-cert-attr.pdf',
      'pyhanko/pades-with-old-style-signing-cert-attr-issser.pdf',
    ]) {
      const f = (await corpus(file))[0].facts;
      expect(f.cms.signingCertificate?.[0].version).toBe(1);
      expect(f.signingCertificateBound).toBe(true);
      expect(f.intact).toBe(true);
    }
    const iss = (await corpus('pyhanko/pades-with-old-style-signing-cert-attr-issser.pdf'))[0].facts;
    expect(iss.cms.signingCertificate?.[0].issuerSerial).not.toBeNull();
  });

  it('document timestamps: kind, message imprint over the ranges', async () => {
    const r = await corpus('pyhanko/pades-lta-dss-indirect-arrs-test-2.pdf');
    expect(r.map((x) => x.sig.kind)).toEqual(['approval', 'doc-timestamp', 'approval']);
    for (const { facts } of r) expect(facts.intact).toBe(true);
  });

  it('certification signatures are recognised', async () => {
    const r = await corpus('pyhanko/certified-with-indirect-refs-in-dir.pdf');
    expect(r[0].sig.kind).toBe('certification');
  });

  it('a signature dictionary rewritten later keeps its gap: relocated, not a ByteRange problem', async () => {
    // Sig1 is the original, hidden by the update that rewrote it as Sig2 (a new object): Sig2's /Contents moved.
    const f = (await corpus('dss/pdf-spoofing-attack.pdf')).find((x) => !x.sig.hidden)!.facts;
    expect(f.byteRange.contentsRelocated).toBe(true);
    expect(f.intact).toBe(true);
  });

  it('every corpus file goes through findSignatures and checkIntegrity without throwing', async () => {
    const files = walk(CORPUS);
    expect(files.length).toBeGreaterThan(40);
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(file));
      let doc: PdfDocument;
      try {
        doc = PdfDocument.load(bytes);
      } catch {
        continue; // not a readable PDF: the reader's concern
      }
      const sigs = findSignatures(doc);
      expect(sigs.length, file).toBeGreaterThan(0);
      for (const sig of sigs) await expect(checkIntegrity(bytes, sig)).resolves.toBeDefined();
    }
  });
});

describe('hostile inputs never throw', () => {
  it('parseCms on garbage', () => {
    for (const b of [
      null,
      new Uint8Array(0),
      new Uint8Array([0x30, 0x80]),
      new Uint8Array([0x30, 0x03, 0x06, 0x01, 0x00]),
      new Uint8Array(64).fill(0xff),
    ]) {
      const f = parseCms(b);
      expect(f.parsed).toBe(false);
      expect(f.problems.length).toBeGreaterThan(0);
    }
  });

  it('checkByteRange shapes', () => {
    const span = { start: 10, end: 20 };
    const base = { contentsSpan: span, hasContents: true };
    expect(checkByteRange({ ...base, byteRange: null }, 100).problems).toEqual(['BYTERANGE_MISSING']);
    expect(checkByteRange({ ...base, byteRange: [0, 10, 20, 80] }, 100)).toMatchObject({
      coverage: 'ENTIRE_FILE',
      wellFormed: true,
      problems: [],
    });
    expect(checkByteRange({ ...base, byteRange: [0, 10, 20, 70] }, 100).coverage).toBe('PARTIAL');
    expect(
      checkByteRange({ ...base, byteRange: [0, 10, 20, 70] }, 100, [{ index: 0, start: 0, end: 91, eofOffset: 85 }])
        .coverage,
    ).toBe('ENTIRE_REVISION');
    expect(checkByteRange({ ...base, byteRange: [0, 15, 12, 88] }, 100).problems).toContain('BYTERANGE_OVERLAP');
    expect(checkByteRange({ ...base, byteRange: [0, 10, 20, 81] }, 100).problems).toContain('BYTERANGE_OUT_OF_BOUNDS');
    expect(checkByteRange({ ...base, byteRange: [0, -1, 20, 80] }, 100).problems).toContain('BYTERANGE_NEGATIVE');
    expect(checkByteRange({ ...base, byteRange: [0, 10.5, 20, 80] }, 100).coverage).toBe('UNCLEAR');
    expect(checkByteRange({ ...base, byteRange: [1, 9, 20, 80] }, 100).problems).toContain('BYTERANGE_NOT_FROM_START');
    expect(checkByteRange({ ...base, byteRange: [0, 11, 20, 80] }, 100).problems).toContain(
      'BYTERANGE_GAP_NOT_CONTENTS',
    );
  });
});

async function input(): Promise<Uint8Array> {
  const d = await PDFDocument.create();
  d.addPage([595, 842]).drawText('Kyso integrity test', { x: 50, y: 800 });
  return d.save();
}

async function kysoSigned(p12: string, opts: Pkcs12Options = {}): Promise<Uint8Array> {
  const signer = Pkcs12Signer.open(new Uint8Array(readFileSync(new URL(p12, CERTS))), 'kyso-test', opts);
  return signPdf(await input(), signer, { certificateCheck: false, reason: 'Kiểm tra', location: 'Hà Nội' });
}

describe('integrity facts on files kyso signs', () => {
  const cases: Array<[string, string, Pkcs12Options, RegExp]> = [
    ['RSA PKCS#1 v1.5', 'signer.p12', {}, /^RSASSA-PKCS1-v1_5\/SHA-256/],
    ['RSASSA-PSS', 'signer.p12', { rsaScheme: 'rsa-pss' }, /^RSASSA-PSS\/SHA-256/],
    ['ECDSA P-256', 'signer-ec.p12', {}, /^ECDSA P-256\/SHA-256/],
  ];
  for (const [label, file, opts, alg] of cases) {
    it(`${label}: intact, whole file, signing certificate bound`, async () => {
      const r = await analyse(await kysoSigned(file, opts));
      expect(r).toHaveLength(1);
      const { sig, facts } = r[0];
      expect(sig.subFilter).toBe('ETSI.CAdES.detached');
      expect(sig.reason).toBe('Kiểm tra');
      expect(sig.location).toBe('Hà Nội');
      expect(sig.revision).toBe(1);
      expect(facts.byteRange.coverage).toBe('ENTIRE_FILE');
      expect(facts.signatureAlgorithm).toMatch(alg);
      expect(facts.digestMatches).toBe(true);
      expect(facts.signatureValid).toBe(true);
      expect(facts.signingCertificateBound).toBe(true);
      expect(facts.intact).toBe(true);
      expect(facts.problems).toEqual([]);
    });
  }

  it('a flipped byte in a covered range is a digest mismatch', async () => {
    const signed = await kysoSigned('signer.p12');
    const sig = findSignatures(PdfDocument.load(signed))[0];
    const tampered = signed.slice();
    const at = 20; // inside the first range, in the header comment area
    expect(at).toBeLessThan((sig.byteRange?.[1] as number) ?? 0);
    tampered[at] ^= 0x01;
    const facts = await checkIntegrity(tampered, sig);
    expect(facts.digestMatches).toBe(false);
    expect(facts.signatureValid).toBe(true);
    expect(facts.problems).toContain('DIGEST_MISMATCH');
    expect(facts.intact).toBe(false);
  });

  it('a changed signed-attribute byte inside /Contents makes the signature invalid', async () => {
    const signed = await kysoSigned('signer.p12');
    const sig = findSignatures(PdfDocument.load(signed))[0];
    const cms = parseCms(sig.contents);
    const hash = cms.signingCertificate?.[0].hash;
    expect(hash).toBeDefined();
    const hex = Buffer.from(hash as Uint8Array).toString('hex');
    const text = Buffer.from(signed).toString('latin1').toLowerCase();
    const pos = text.indexOf(hex, sig.contentsSpan?.start);
    expect(pos).toBeGreaterThan(0);
    const tampered = signed.slice();
    const last = pos + hex.length - 1;
    tampered[last] = tampered[last] === 0x30 ? 0x31 : 0x30; // change the last hex digit of the certificate hash
    const bad = findSignatures(PdfDocument.load(tampered))[0];
    const facts = await checkIntegrity(tampered, bad);
    expect(facts.digestMatches).toBe(true);
    expect(facts.signatureValid).toBe(false);
    expect(facts.signingCertificateBound).toBe(false);
    expect(facts.problems).toContain('SIGNATURE_INVALID');
    expect(facts.intact).toBe(false);
  });
});
