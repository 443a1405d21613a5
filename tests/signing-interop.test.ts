/**
 * Interoperability is the test of a signature: every file kyso signs, from every producer, is checked with the
 * real tools — poppler's pdfsig (trusting test-certs/root-ca.pem through an NSS db, with the OCSP responder the
 * global setup serves), qpdf --check and mutool — and must keep every earlier signature as valid as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { docMdpLevel, Pkcs11Signer, signFile, signPdf, SignError, toSignpdfSigner } from '@kyso/core';
import { initSoftHsmToken } from './helpers/softhsm.js';
import { PdfDocument } from '@kyso/pdf';
import { corpusBytes, corpusRows, fixture, pdfLibDoc, producerSamples } from './helpers/producers.js';
import { makeNssDb } from './helpers/nss.js';
import { openSigner, p12, PASSWORD } from './helpers/keys.js';
import { qpdfCheck, run, scratch } from './helpers/tools.js';

const require = createRequire(import.meta.url);
const tmp = scratch('kyso-interop-');
let nss: Awaited<ReturnType<typeof makeNssDb>>;
beforeAll(async () => {
  nss = await makeNssDb();
});
afterAll(() => {
  nss?.cleanup();
  tmp.cleanup();
});

const signer = openSigner();
const seal = openSigner('seal.p12');
const check = { certificateCheck: { revocation: 'require' as const } };

/** A file already signed by @signpdf's placeholder-plain (not trusted by our root: it is only an earlier signature). */
async function signedBySignpdf(): Promise<Uint8Array> {
  const { SignPdf } = require('@signpdf/signpdf');
  const { P12Signer } = require('@signpdf/signer-p12');
  const { plainAddPlaceholder } = require('@signpdf/placeholder-plain');
  const pdf = Buffer.from(await pdfLibDoc({ objectStreams: false, text: 'signed by @signpdf' }));
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason: 'signpdf',
    contactInfo: '',
    name: 'signpdf',
    location: '',
  });
  return new Uint8Array(
    await new SignPdf().sign(withPlaceholder, new P12Signer(Buffer.from(p12('signer.p12')), { passphrase: PASSWORD })),
  );
}

/** All the interop checks on one signed output. */
function expectInterop(name: string, input: Uint8Array, out: Uint8Array): void {
  expect(Buffer.from(out.subarray(0, input.length)).equals(Buffer.from(input)), 'output begins with the input').toBe(
    true,
  );
  const inPath = tmp.file(`${name}-in.pdf`, input);
  const outPath = tmp.file(`${name}-out.pdf`, out);
  const before = nss.pdfsig(inPath).signatures.filter((s) => s.signed);
  const after = nss.pdfsig(outPath).signatures.filter((s) => s.signed);
  expect(after).toHaveLength(before.length + 1);
  const mine = after[after.length - 1];
  expect(mine.valid, mine.raw).toBe(true);
  expect(mine.trusted, mine.raw).toBe(true);
  expect(mine.totalDocumentSigned).toBe(true);
  // every earlier signature is as valid as it was before
  before.forEach((b, i) => expect(after[i].valid, `earlier signature ${i + 1}`).toBe(b.valid));
  const q = qpdfCheck(outPath);
  const qin = qpdfCheck(inPath);
  if (qin.status === 0) expect(q.status, q.stdout + q.stderr).toBe(0);
  // mutool 1.21 itself crashes (SIGSEGV) on @signpdf placeholder-plain's output, before kyso adds anything; where
  // it can read the input, it must find kyso's signature intact.
  if (run('mutool', ['sign', '-v', inPath]).status === 0) {
    const m = run('mutool', ['sign', '-v', outPath]);
    expect(m.status).toBe(0);
    const blocks = m.stdout.split(/Verifying signature/).slice(1);
    expect(blocks[blocks.length - 1]).toContain('The document is unchanged since signing');
  }
}

describe('kyso signatures validate in pdfsig, qpdf and mutool, on inputs from many producers', async () => {
  const samples = await producerSamples();
  it.each(samples.map((s) => [s.name, s.bytes] as const))('%s', async (name, bytes) => {
    const slug = name.replace(/[^a-z0-9]+/gi, '_');
    const opts = name === 'libreoffice-form.pdf' ? { fieldName: 'ChuKyLanhDao' } : {};
    const out = await signPdf(bytes, signer, { ...check, ...opts, reason: 'Phê duyệt', location: 'Bắc Ninh' });
    expectInterop(slug, bytes, out);
  });

  it('a file already signed by @signpdf placeholder-plain', async () => {
    const input = await signedBySignpdf();
    expectInterop('signpdf', input, await signPdf(input, signer, check));
  });

  const valid = corpusRows().filter((r) => /^valid\b/.test(r.expected) || r.expected.startsWith('valid-untrusted'));
  // a file certified with DocMDP P=1 allows no change at all: kyso refuses it (tested below)
  const certifiedP1 = valid.filter((r) => docMdpLevel(PdfDocument.load(corpusBytes(r.path))) === 1);
  const validCorpus = valid.filter((r) => !certifiedP1.includes(r));
  it.each(certifiedP1.map((r) => [r.path] as const))(
    'refuses to add to corpus file %s, certified with P=1',
    async (path) => {
      await expect(signPdf(corpusBytes(path), signer, check)).rejects.toMatchObject({ code: 'SIGN_FIELD_LOCKED' });
    },
  );
  it.each(validCorpus.map((r) => [r.path] as const))('corpus file %s', async (path) => {
    const input = corpusBytes(path);
    expectInterop(path.replace(/[^a-z0-9]+/gi, '_'), input, await signPdf(input, signer, check));
  });
});

describe('several signatures in sequence', () => {
  it('a certifier (DocMDP P=2) then the organisation seal: both valid and trusted', async () => {
    const input = await pdfLibDoc({ objectStreams: true, text: 'Ban sao dien tu' });
    const first = await signPdf(input, signer, { ...check, certify: 2, reason: 'Người thực hiện chứng thực' });
    const second = await signPdf(first, seal, { ...check, reason: 'Đóng dấu cơ quan' });
    const path = tmp.file('sequence.pdf', second);
    const sigs = nss.pdfsig(path).signatures;
    expect(sigs.map((s) => [s.valid, s.trusted])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(sigs[0].signerCN).toBe('Nguyễn Thị Lấp Lánh Ánh');
    expect(sigs[1].signerCN).toBe('Ủy ban nhân dân phường Kinh Bắc');
    expect(qpdfCheck(path).status).toBe(0);
  });

  it('a certification with P=1 refuses any later signature', async () => {
    const certified = await signPdf(await pdfLibDoc({ objectStreams: false }), signer, { ...check, certify: 1 });
    await expect(signPdf(certified, seal, check)).rejects.toMatchObject({ code: 'SIGN_FIELD_LOCKED' });
  });

  it('a certification signature must come first', async () => {
    const signed = await signPdf(await pdfLibDoc({ objectStreams: false }), signer, check);
    await expect(signPdf(signed, seal, { ...check, certify: 2 })).rejects.toBeInstanceOf(SignError);
  });

  it('a FieldMDP lock: the locked field cannot be signed afterwards', async () => {
    const form = fixture('libreoffice-form.pdf');
    const locked = await signPdf(form, signer, { ...check, lock: { action: 'Include', fields: ['ChuKyLanhDao'] } });
    expect(
      nss
        .pdfsig(tmp.file('locked.pdf', locked))
        .signatures.filter((s) => s.signed)
        .map((s) => s.valid),
    ).toEqual([true]);
    await expect(signPdf(locked, seal, { ...check, fieldName: 'ChuKyLanhDao' })).rejects.toMatchObject({
      code: 'SIGN_FIELD_LOCKED',
    });
  });

  it('signs into an existing empty field, then refuses to sign it twice', async () => {
    const form = fixture('libreoffice-form.pdf');
    const out = await signPdf(form, signer, { ...check, fieldName: 'ChuKyLanhDao' });
    const sigs = nss.pdfsig(tmp.file('field.pdf', out)).signatures.filter((s) => s.signed);
    expect(sigs.map((s) => [s.field, s.valid, s.trusted])).toEqual([['ChuKyLanhDao', true, true]]);
    await expect(signPdf(out, seal, { ...check, fieldName: 'ChuKyLanhDao' })).rejects.toMatchObject({
      code: 'SIGN_FIELD_SIGNED',
    });
  });
});

describe('revocation before signing', () => {
  it('refuses revoked.p12: the OCSP responder says it is revoked', async () => {
    await expect(
      signPdf(await pdfLibDoc({ objectStreams: false }), openSigner('revoked.p12'), check),
    ).rejects.toMatchObject({ code: 'SIGN_CERT_REVOKED' });
  });
});

describe('PKCS#11 (SoftHSM2)', () => {
  it('signs PDFs with RSA and EC keys held in a token; pdfsig says valid and trusted', async () => {
    const token = initSoftHsmToken();
    try {
      for (const key of [token.keys.rsa, token.keys.ec]) {
        const hsm = await Pkcs11Signer.open({
          library: token.library,
          tokenLabel: token.tokenLabel,
          pin: token.pin,
          key: { label: key.label },
          chain: key.chain,
        });
        try {
          const out = await signPdf(await pdfLibDoc({ objectStreams: true }), hsm, check);
          expect(nss.pdfsig(tmp.file(`hsm-${key.label}.pdf`, out)).signatures[0]).toMatchObject({
            valid: true,
            trusted: true,
          });
        } finally {
          await hsm.close();
        }
      }
    } finally {
      token.cleanup();
    }
  });
});

describe('certification levels', () => {
  it.each([1, 2, 3] as const)('a DocMDP P=%i certification validates and records /Perms', async (p) => {
    const out = await signPdf(await pdfLibDoc({ objectStreams: false }), signer, { ...check, certify: p });
    expect(docMdpLevel(PdfDocument.load(out))).toBe(p);
    expect(nss.pdfsig(tmp.file(`certify-${p}.pdf`, out)).signatures[0]).toMatchObject({ valid: true, trusted: true });
  });
});

describe('@signpdf compatibility', () => {
  it("kyso's signer plugs into @signpdf/signpdf as its Signer", async () => {
    const { SignPdf } = require('@signpdf/signpdf');
    const { Signer } = require('@signpdf/utils');
    const { plainAddPlaceholder } = require('@signpdf/placeholder-plain');
    const pdf = Buffer.from(await pdfLibDoc({ objectStreams: false }));
    const withPlaceholder = plainAddPlaceholder({
      pdfBuffer: pdf,
      reason: 'via signpdf',
      contactInfo: '',
      name: 'kyso',
      location: '',
      signatureLength: 16384,
    });
    const out = await new SignPdf().sign(withPlaceholder, toSignpdfSigner(signer, Signer));
    const sigs = nss.pdfsig(tmp.file('via-signpdf.pdf', new Uint8Array(out))).signatures;
    expect(sigs[0]).toMatchObject({ valid: true, trusted: true });
  });
});

describe('file to file', () => {
  it('signFile streams the input and the output validates', async () => {
    const input = fixture('libreoffice-vi.pdf');
    const inPath = tmp.file('stream-in.pdf', input);
    const outPath = tmp.file('stream-out.pdf');
    await signFile(inPath, outPath, signer, check);
    expectInterop('stream', input, new Uint8Array(readFileSync(outPath)));
  });
});
