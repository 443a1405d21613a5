/**
 * The CMS read that validation shares (signature/ber.ts, signed-data.ts) gives what the plain pkijs reads give: on
 * every signature of the public corpus, on byte mutations of them and on a CMS with BER lengths.
 */
import { fileURLToPath } from 'node:url';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PdfDocument } from '@kyso/pdf';
import { findSignatures } from '../src/signature/find-signatures.js';
import { parseCms } from '../src/signature/cms.js';
import { encodingFacts } from '../src/signature/ber.js';
import { readSignedData } from '../src/signature/signed-data.js';

const CORPUS = fileURLToPath(new URL('../../../tests/fixtures/corpus', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.pdf') ? [p] : [];
    });
}

function corpusContents(): { file: string; contents: Uint8Array }[] {
  const out: { file: string; contents: Uint8Array }[] = [];
  for (const file of walk(CORPUS)) {
    let sigs;
    try {
      sigs = findSignatures(PdfDocument.load(new Uint8Array(readFileSync(file)), { fullHistory: true }));
    } catch {
      continue;
    }
    for (const s of sigs) if (s.contents && s.contents.length > 0) out.push({ file, contents: s.contents });
  }
  return out;
}

const hex = (b: ArrayBuffer | Uint8Array) =>
  Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');

/** What a whole-CMS read with asn1js and pkijs says (the read kyso made before sharing it). */
function wholeRead(contents: Uint8Array) {
  let asn: ReturnType<typeof asn1js.fromBER>;
  try {
    asn = asn1js.fromBER(contents.slice().buffer as ArrayBuffer);
  } catch {
    return 'throws' as const; // asn1js throws on some malformed values (e.g. a GeneralizedTime)
  }
  if (asn.offset === -1 || asn.result.error) return null;
  const enc = encodingFacts(asn.result);
  let certificates: string[] | null = null;
  try {
    const sd = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: asn.result }).content });
    certificates = (sd.certificates ?? [])
      .filter((c) => c instanceof pkijs.Certificate)
      .map((c) => hex((c as pkijs.Certificate).toSchema().toBER(false)));
  } catch {
    /* not a SignedData: no certificates to compare */
  }
  return { ber: enc.ber, badInteger: enc.badInteger, trailing: contents.length - asn.offset, certificates };
}

function sharedRead(contents: Uint8Array) {
  const f = parseCms(contents.slice());
  return {
    ber: f.berEncoded,
    badInteger: f.problems.includes('CMS_INTEGER_NOT_MINIMAL'),
    trailing: f.trailingBytes,
    certificates: f.certificates.map((c) => hex(c.toSchema().toBER(false))),
    parsed: f.parsed,
    problems: f.problems,
  };
}

describe('one read of a CMS, certificates apart', () => {
  const all = corpusContents();

  it('the public corpus: the encoding facts, trailing bytes and certificates of the whole-CMS read', () => {
    expect(all.length).toBeGreaterThan(20);
    for (const { file, contents } of all) {
      const whole = wholeRead(contents);
      const shared = sharedRead(contents);
      if (whole === 'throws') {
        expect(shared.problems, file).toContain('CMS_MALFORMED');
        continue;
      }
      if (!whole) {
        expect(shared.problems, file).toContain('CMS_NOT_DER');
        continue;
      }
      expect({ ber: shared.ber, badInteger: shared.badInteger, trailing: shared.trailing }, file).toEqual({
        ber: whole.ber,
        badInteger: whole.badInteger,
        trailing: whole.trailing,
      });
      if (whole.certificates && shared.parsed) expect(shared.certificates, file).toEqual(whole.certificates);
    }
  });

  it('byte mutations of the corpus CMSes: the same facts either way, never an exception', () => {
    let n = 0;
    for (const { file, contents } of all.slice(0, 8)) {
      for (let k = 0; k < 20; k++) {
        const m = contents.slice();
        const i = (k * 7919) % Math.min(m.length, 3000);
        m[i] ^= 1 << (k % 8);
        const whole = wholeRead(m);
        const shared = sharedRead(m);
        n++;
        if (whole === 'throws') {
          expect(shared.problems, `${file} #${k}`).toContain('CMS_MALFORMED');
          continue;
        }
        if (!whole) {
          expect(shared.problems, `${file} #${k}`).toContain('CMS_NOT_DER');
          continue;
        }
        expect({ ber: shared.ber, badInteger: shared.badInteger, trailing: shared.trailing }, `${file} #${k}`).toEqual({
          ber: whole.ber,
          badInteger: whole.badInteger,
          trailing: whole.trailing,
        });
        if (whole.certificates && shared.parsed)
          expect(shared.certificates, `${file} #${k}`).toEqual(whole.certificates);
      }
    }
    expect(n).toBeGreaterThan(100);
  });

  it('a ContentInfo with a non-minimal length is read whole: the facts of the whole read, the same signer and certificates', () => {
    const { contents } = all.find(({ contents }) => {
      const f = parseCms(contents.slice());
      return f.parsed && !f.berEncoded && f.certificates.length > 0 && contents[0] === 0x30 && contents[1] === 0x82;
    })!;
    // 30 82 LL LL → 30 83 00 LL LL: the same length in one more byte (BER, not DER); the padding takes the byte.
    const ber = new Uint8Array(contents.length + 1);
    ber.set([0x30, 0x83, 0x00, contents[2], contents[3]], 0);
    ber.set(contents.subarray(4), 5);
    const plain = parseCms(contents.slice());
    const f = parseCms(ber);
    expect(f.parsed).toBe(true);
    const whole = wholeRead(ber);
    expect(whole && whole !== 'throws' ? whole.ber : 'unread').toBe(f.berEncoded);
    expect(f.certificates.map((c) => hex(c.toSchema().toBER(false)))).toEqual(
      plain.certificates.map((c) => hex(c.toSchema().toBER(false))),
    );
    expect(f.signerCertificate && hex(f.signerCertificate.toSchema().toBER(false))).toBe(
      plain.signerCertificate && hex(plain.signerCertificate.toSchema().toBER(false)),
    );
  });

  it('SignedData read against the schema built once: what pkijs reads, on every corpus CMS', () => {
    for (const { file, contents } of all) {
      const asn = asn1js.fromBER(contents.slice().buffer as ArrayBuffer);
      if (asn.offset === -1) continue;
      let content: unknown;
      try {
        content = new pkijs.ContentInfo({ schema: asn.result }).content;
      } catch {
        continue;
      }
      let expected: pkijs.SignedData | null = null;
      try {
        expected = new pkijs.SignedData({ schema: content });
      } catch {
        expected = null;
      }
      const again = asn1js.fromBER(contents.slice().buffer as ArrayBuffer);
      const node = new pkijs.ContentInfo({ schema: again.result }).content;
      if (!expected) {
        expect(() => readSignedData(node), file).toThrow();
        continue;
      }
      const got = readSignedData(node);
      const view = (sd: pkijs.SignedData) => ({
        version: sd.version,
        digests: sd.digestAlgorithms.map((a) => a.algorithmId),
        eContentType: sd.encapContentInfo.eContentType,
        certificates: sd.certificates?.length ?? null,
        crls: sd.crls?.length ?? null,
        signers: sd.signerInfos.map((s) => hex(s.signature.valueBlock.valueHexView)),
      });
      expect(view(got), file).toEqual(view(expected));
    }
  });
});
