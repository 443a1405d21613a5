/**
 * Signing on the request thread (signing/inline-signing.ts): a small plain document is signed there and the
 * signature validates; every document that is not provably small and plain — too large, visible, an LTV level, an
 * existing field, damaged, too many objects, over the 1 MiB decode budget, not a PDF — is left to the workers
 * (`signed: false`), without a signature having been made.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Pkcs12Signer, type PrepareOptions, type Signer } from '@kyso/core';
import { validatePdf } from '@kyso/verify';
import { pdfLibDoc } from '../../../tests/helpers/producers.js';
import { classicPdfText } from '../../pdf/test/helpers/classic-pdf.js';
import { inlineCandidate, signInline } from '../src/signing/inline-signing.js';
import { TEST_CERTS } from './helpers/test-service.js';

const key = Pkcs12Signer.open(readFileSync(join(TEST_CERTS, 'signer.p12')), 'kyso-test', { offThread: true });
/** Counts the signatures made, so a refusal is seen to have signed nothing. */
let signatures = 0;
const signer: Signer = {
  certificate: key.certificate,
  chain: key.chain,
  algorithm: key.algorithm,
  sign: async (data) => {
    signatures++;
    return key.sign(data);
  },
};
const options: PrepareOptions = { level: 'B-B', signingTime: new Date() };
const enc = (t: string) => new TextEncoder().encode(t);

/** A classic-xref PDF of the given objects (1 is the catalog). */
const pdf = (objects: string[], tail?: string): Uint8Array => enc(classicPdfText(objects, { tail }));
/** Catalog, pages and page in an object stream whose data is padded with `padding` spaces; an xref stream. */
function objectStreamPdf(padding: number): Uint8Array {
  const objects = [
    '<< /Type /Catalog /Pages 3 0 R >>',
    '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] >>',
  ];
  let body = '';
  const at: number[] = [];
  for (const o of objects) {
    at.push(body.length);
    body += `${o}\n`;
  }
  const header = `1 ${at[0]} 3 ${at[1]} 4 ${at[2]}\n`;
  const z = deflateSync(Buffer.concat([Buffer.from(header + body, 'latin1'), Buffer.alloc(padding, 0x20)]));
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n', 'latin1')];
  const offset = () => parts.reduce((n, p) => n + p.length, 0);
  const stm = offset();
  parts.push(
    Buffer.from(
      `2 0 obj\n<< /Type /ObjStm /N 3 /First ${header.length} /Length ${z.length} /Filter /FlateDecode >>\nstream\n`,
      'latin1',
    ),
    z,
    Buffer.from('\nendstream\nendobj\n', 'latin1'),
  );
  const xref = offset();
  const row = (type: number, a: number, b: number) => {
    const r = Buffer.alloc(7);
    r[0] = type;
    r.writeUInt32BE(a, 1);
    r.writeUInt16BE(b, 5);
    return r;
  };
  const rows = Buffer.concat([
    row(0, 0, 65535),
    row(2, 2, 0),
    row(1, stm, 0),
    row(2, 2, 1),
    row(2, 2, 2),
    row(1, xref, 0),
  ]);
  parts.push(
    Buffer.from(`5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length ${rows.length} >>\nstream\n`, 'latin1'),
    rows,
    Buffer.from(`\nendstream\nendobj\nstartxref\n${xref}\n%%EOF\n`, 'latin1'),
  );
  return new Uint8Array(Buffer.concat(parts));
}

const onePage = [
  '<< /Type /Catalog /Pages 2 0 R >>',
  '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
  '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
];

const inline = (bytes: Uint8Array, o: PrepareOptions = options) =>
  signInline({ bytes, identity: key, signer, options: o });

describe('signing on the request thread', () => {
  it('signs a small plain document; the signature validates', async () => {
    const input = await pdfLibDoc({ pages: 1, objectStreams: false });
    const done = await inline(input);
    expect(done.signed).toBe(true);
    if (!done.signed) return;
    const out = new Uint8Array(input.length + done.update.length);
    out.set(input);
    out.set(done.update, input.length);
    const report = await validatePdf(out, {
      trustAnchors: [readFileSync(join(TEST_CERTS, 'root-ca.pem'), 'utf8')],
      online: false,
    });
    expect(report.signatures.map((s) => [s.indication, s.fieldName])).toEqual([['TOTAL-PASSED', done.fieldName]]);
  });

  it('takes only B-B, invisible, new-field requests within the size', () => {
    expect(inlineCandidate(1000, 64 * 1024, options)).toBe(true);
    expect(inlineCandidate(64 * 1024 + 1, 64 * 1024, options)).toBe(false);
    expect(inlineCandidate(1000, 0, options)).toBe(false);
    expect(inlineCandidate(1000, 64 * 1024, { ...options, level: 'B-T' })).toBe(false);
    expect(inlineCandidate(1000, 64 * 1024, { ...options, visible: { page: 1, rect: [36, 36, 200, 60] } })).toBe(false);
    expect(inlineCandidate(1000, 64 * 1024, { ...options, fieldName: 'Sig1' })).toBe(false);
  });

  it('leaves to the workers, unsigned, what is damaged, too big in objects or decoded bytes, or not a PDF', async () => {
    const before = signatures;
    // A startxref that points nowhere: strictly refused here (never scanned); a worker recovers and refuses it.
    const damaged = pdf(onePage, 'trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n99999\n%%EOF\n');
    expect(await inline(damaged)).toEqual({ signed: false });
    // 129 cross-reference entries (object 0, the free head, is one of them).
    const many = pdf([...onePage, ...Array.from({ length: 125 }, () => '<< /A 1 >>')]);
    expect(await inline(many)).toEqual({ signed: false });
    // Exactly 128 is still fine.
    const enough = pdf([...onePage, ...Array.from({ length: 124 }, () => '<< /A 1 >>')]);
    expect((await inline(enough)).signed).toBe(true);
    // Its catalog and page in an object stream padded to 1.5 MiB decoded (2 KB on the wire): over this path's
    // budget, while the same document within it is signed.
    expect(await inline(objectStreamPdf(1536 << 10))).toEqual({ signed: false });
    expect((await inline(objectStreamPdf(1000))).signed).toBe(true);
    expect(await inline(enc('not a pdf at all'))).toEqual({ signed: false });
    expect(signatures - before).toBe(2); // the 128-entry document and the one within the budget
  });
});
