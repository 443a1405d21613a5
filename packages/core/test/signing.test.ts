import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import forge from 'node-forge';
import * as pkijs from 'pkijs';
import { type PdfDict, PdfDocument, type PdfString, stringText } from '@kyso/pdf';
import { finish, KysoError, Pkcs12Signer, prepare, signFile, signPdf, SignError, type SigningState } from '@kyso/core';
import { pdfLibDoc, fixture } from '../../../tests/helpers/producers.js';
import { openSigner, p12, PASSWORD } from '../../../tests/helpers/keys.js';
import { scratch, qpdfCheck } from '../../../tests/helpers/tools.js';

const tmp = scratch('kyso-sign-');
afterAll(() => tmp.cleanup());
const noCheck = { certificateCheck: false as const };

/** Parses the CMS in the newest signature of `pdf` and checks it the way a verifier does (pkijs + WebCrypto). */
async function cmsOf(
  pdf: Uint8Array,
): Promise<{ sd: pkijs.SignedData; signed: Uint8Array; sig: PdfDict; verified: boolean }> {
  const doc = PdfDocument.load(pdf);
  const acro = doc.getDict(doc.catalog(), 'AcroForm')!;
  const fields = doc.resolve(acro.get('Fields')) as unknown[];
  const last = doc.resolve(fields[fields.length - 1] as never) as PdfDict;
  const sig = doc.resolve(last.get('V')) as PdfDict;
  const br = sig.get('ByteRange') as number[];
  const signed = new Uint8Array([...pdf.subarray(br[0], br[0] + br[1]), ...pdf.subarray(br[2], br[2] + br[3])]);
  const contents = (sig.get('Contents') as PdfString).bytes;
  const ci = pkijs.ContentInfo.fromBER(
    contents.buffer.slice(contents.byteOffset, contents.byteOffset + contents.byteLength) as ArrayBuffer,
  );
  const sd = new pkijs.SignedData({ schema: ci.content });
  const verified = await sd.verify({ signer: 0, data: signed.buffer as ArrayBuffer, checkChain: false });
  return { sd, signed, sig, verified };
}

describe('PAdES B-B signing', () => {
  it('signs with RSA PKCS#1 v1.5: the CMS verifies and carries exactly the PAdES signed attributes', async () => {
    const input = await pdfLibDoc({ objectStreams: false });
    const out = await signPdf(input, openSigner(), {
      ...noCheck,
      reason: 'Xác nhận kết quả',
      location: 'Phường Kinh Bắc',
    });
    expect(Buffer.from(out.subarray(0, input.length)).equals(Buffer.from(input))).toBe(true);
    const { sd, verified, sig } = await cmsOf(out);
    expect(verified).toBe(true);
    expect(sig.getName('SubFilter')).toBe('ETSI.CAdES.detached');
    expect(stringText(sig.get('Reason') as PdfString)).toBe('Xác nhận kết quả');
    const attrs = sd.signerInfos[0].signedAttrs!.attributes.map((a) => a.type);
    expect(attrs.sort()).toEqual(['1.2.840.113549.1.9.16.2.47', '1.2.840.113549.1.9.3', '1.2.840.113549.1.9.4'].sort());
    expect(attrs).not.toContain('1.2.840.113549.1.9.5'); // no signing-time: the claimed time is /M
    expect(sd.certificates).toHaveLength(3); // signer, intermediate, root
    expect((sig.get('M') as PdfString) && stringText(sig.get('M') as PdfString)).toMatch(/^D:\d{14}\+07'00'$/);
    expect(qpdfCheck(tmp.file('rsa.pdf', out)).status).toBe(0);
  });

  it.each([
    ['RSASSA-PSS, SHA-256', 'signer.p12', { rsaScheme: 'rsa-pss' as const }, '1.2.840.113549.1.1.10'],
    ['RSA, SHA-384', 'signer.p12', { hash: 'SHA-384' as const }, '1.2.840.113549.1.1.12'],
    ['RSA, SHA-512', 'signer.p12', { hash: 'SHA-512' as const }, '1.2.840.113549.1.1.13'],
    ['ECDSA P-256', 'signer-ec.p12', {}, '1.2.840.10045.4.3.2'],
    ['ECDSA P-256 with SHA-384', 'signer-ec.p12', { hash: 'SHA-384' as const }, '1.2.840.10045.4.3.3'],
  ])('signs with %s', async (_n, file, opts, sigOid) => {
    const out = await signPdf(await pdfLibDoc({ objectStreams: true }), openSigner(file, opts), noCheck);
    const { sd, verified } = await cmsOf(out);
    expect(verified).toBe(true);
    expect(sd.signerInfos[0].signatureAlgorithm.algorithmId).toBe(sigOid);
  });

  it('signs with a P-384 key generated in the test through WebCrypto-compatible Node keys', async () => {
    // a throwaway P-384 certificate issued by nobody: the CMS must still verify cryptographically
    const { WebCryptoSigner } = await import('@kyso/core');
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const signer = openSigner('signer-ec.p12');
    const wc = new WebCryptoSigner({
      privateKey: keys.privateKey,
      certificate: signer.certificate,
      chain: [...signer.chain],
      hash: 'SHA-384',
    });
    expect(wc.algorithm).toEqual({ hash: 'SHA-384', scheme: { kind: 'ecdsa', namedCurve: 'P-384' } });
    const value = await wc.sign(new Uint8Array([1, 2, 3]));
    expect(value[0]).toBe(0x30); // DER, not r||s
    const ok = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-384' },
      keys.publicKey,
      derToRaw(value, 48),
      new Uint8Array([1, 2, 3]),
    );
    expect(ok).toBe(true);
  });

  it('the WebCrypto signer signs PDFs with an imported RSA key', async () => {
    const { WebCryptoSigner } = await import('@kyso/core');
    const signer = openSigner();
    const pkcs8 = pemKey('signer.p12');
    const key = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    const wc = new WebCryptoSigner({ privateKey: key, certificate: signer.certificate, chain: [...signer.chain] });
    const out = await signPdf(await pdfLibDoc({ objectStreams: false }), wc, noCheck);
    expect((await cmsOf(out)).verified).toBe(true);
  });

  it('signs with an ECDSA P-384 key and certificate (made by openssl in the test)', async () => {
    const dir = scratch('kyso-p384-');
    try {
      const key = dir.file('k.pem');
      const crt = dir.file('c.pem');
      const out = dir.file('p384.p12');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-384',
          '-nodes',
          '-keyout',
          key,
          '-out',
          crt,
          '-days',
          '30',
          '-subj',
          '/CN=Kiểm thử P-384',
          '-utf8',
        ],
        { stdio: 'pipe' },
      );
      execFileSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', crt, '-out', out, '-passout', 'pass:p384'], {
        stdio: 'pipe',
      });
      const p384 = Pkcs12Signer.open(new Uint8Array(readFileSync(out)), 'p384');
      expect(p384.algorithm).toEqual({ hash: 'SHA-384', scheme: { kind: 'ecdsa', namedCurve: 'P-384' } });
      const pdf = await signPdf(await pdfLibDoc({ objectStreams: false }), p384, {
        certificateCheck: { revocation: 'off' },
      });
      const { sd, verified } = await cmsOf(pdf);
      expect(verified).toBe(true);
      expect(sd.signerInfos[0].signatureAlgorithm.algorithmId).toBe('1.2.840.10045.4.3.3');
    } finally {
      dir.cleanup();
    }
  });

  it('reuses one parsed PKCS#12 for many documents', async () => {
    const signer = openSigner();
    const outs = await Promise.all(
      [1, 2, 3, 4, 5].map(async (i) =>
        signPdf(await pdfLibDoc({ objectStreams: i % 2 === 0, text: `doc ${i}` }), signer, noCheck),
      ),
    );
    for (const o of outs) expect((await cmsOf(o)).verified).toBe(true);
  });
});

describe('two-step signing (prepare → external signature → finish)', () => {
  it('passes the state as JSON, takes a raw signature value made outside, and produces a valid signature', async () => {
    const input = await pdfLibDoc({ objectStreams: true });
    const signer = openSigner();
    const identity = { certificate: signer.certificate, chain: signer.chain, algorithm: signer.algorithm };
    const { state, dataToSign } = prepare(input, identity, { reason: 'Hai bước' });
    const wire: SigningState = JSON.parse(JSON.stringify(state));
    // the key lives elsewhere: Node crypto with the test key stands in for a token
    const value = nodeSign(
      'sha256',
      Buffer.from(dataToSign),
      createPrivateKey({ key: Buffer.from(pemKey('signer.p12')), format: 'der', type: 'pkcs8' }),
    );
    const out = await finish(input, wire, { signatureValue: new Uint8Array(value) });
    expect((await cmsOf(out)).verified).toBe(true);
  });

  it('takes a complete CMS made outside', async () => {
    const input = await pdfLibDoc({ objectStreams: false });
    const signer = openSigner();
    const { state, dataToSign } = prepare(input, signer);
    const inner = await signPdf(await pdfLibDoc({ objectStreams: false }), signer, noCheck);
    expect(dataToSign.length).toBeGreaterThan(0);
    // a CMS over other data still embeds (finish does not judge a foreign CMS), but it must be a DER ContentInfo
    const cms = (await cmsOf(inner)).sig.get('Contents') as PdfString;
    const trimmed = trimDer(cms.bytes);
    const out = await finish(input, state, { cms: trimmed });
    expect(out.length).toBe(input.length + Buffer.from(state.update, 'base64').length);
    await expect(finish(input, state, { cms: new Uint8Array([1, 2, 3]) })).rejects.toMatchObject({
      code: 'SIGN_BAD_SIGNATURE_VALUE',
    });
  });

  it("checks a signer's value against the certificate, unless the signer checks its own (an RSA Pkcs12Signer)", async () => {
    const rsa = openSigner();
    expect(rsa.checksOwnValues).toBe(true);
    expect(openSigner('signer-ec.p12').checksOwnValues).toBe(false);
    // a signer that returns a damaged value: refused before anything is written
    const lying = {
      certificate: rsa.certificate,
      chain: rsa.chain,
      algorithm: rsa.algorithm,
      sign: async (data: Uint8Array) => {
        const value = await rsa.sign(data);
        value[10]! ^= 1;
        return value;
      },
    };
    await expect(signPdf(await pdfLibDoc({ objectStreams: false }), lying, noCheck)).rejects.toMatchObject({
      code: 'SIGN_BAD_SIGNATURE_VALUE',
    });
    // the same signer claiming to check its own values is taken at its word: the contract is the signer's
    const out = await signPdf(await pdfLibDoc({ objectStreams: false }), { ...lying, checksOwnValues: true }, noCheck);
    expect((await cmsOf(out)).verified).toBe(false);
    expect((await cmsOf(await signPdf(await pdfLibDoc({ objectStreams: false }), rsa, noCheck))).verified).toBe(true);
  });

  it('refuses a signature value that does not verify, and a document that changed between the steps', async () => {
    const input = await pdfLibDoc({ objectStreams: false });
    const { state } = prepare(input, openSigner());
    await expect(finish(input, state, { signatureValue: new Uint8Array(256) })).rejects.toMatchObject({
      code: 'SIGN_BAD_SIGNATURE_VALUE',
    });
    const other = input.slice();
    other[100] ^= 1;
    await expect(finish(other, state, { signatureValue: new Uint8Array(256) })).rejects.toMatchObject({
      code: 'SIGN_INPUT_CHANGED',
    });
    await expect(
      finish(input, { ...state, contentsEnd: 1 } as SigningState, { signatureValue: new Uint8Array(1) }),
    ).rejects.toMatchObject({ code: 'SIGN_STATE_INVALID' });
  });
});

describe('bad input gives typed errors and no output file', () => {
  const pdf = (): Promise<Uint8Array> => pdfLibDoc({ objectStreams: false });

  it('a wrong password', () => {
    expect(() => Pkcs12Signer.open(p12('signer.p12'), 'wrong')).toThrowError(
      expect.objectContaining({ code: 'SIGN_BAD_PASSWORD' }),
    );
    try {
      Pkcs12Signer.open(p12('signer.p12'), 'secret-password-123');
    } catch (e) {
      expect(JSON.stringify(e)).not.toContain('secret-password-123');
      expect(String((e as Error).message)).not.toContain('secret-password-123');
    }
  });

  it('a file that is not PKCS#12', () => {
    expect(() => Pkcs12Signer.open(new TextEncoder().encode('not a p12'), PASSWORD)).toThrowError(
      expect.objectContaining({ code: 'SIGN_BAD_KEYSTORE' }),
    );
  });

  it('a .p12 without a key, and one whose key does not match its certificate', () => {
    const certOnly = forgeP12(null, 'signer.p12');
    expect(() => Pkcs12Signer.open(certOnly, PASSWORD)).toThrowError(expect.objectContaining({ code: 'SIGN_NO_KEY' }));
    const mismatched = forgeP12('seal.p12', 'signer.p12');
    expect(() => Pkcs12Signer.open(mismatched, PASSWORD)).toThrowError(
      expect.objectContaining({ code: 'SIGN_KEY_MISMATCH' }),
    );
  });

  it('input that is not a PDF, truncated, or encrypted', async () => {
    const signer = openSigner();
    await expect(signPdf(new TextEncoder().encode('hello'), signer, noCheck)).rejects.toMatchObject({
      code: 'PDF_NOT_PDF',
    });
    const full = await pdf();
    await expect(signPdf(full.slice(0, 200), signer, noCheck)).rejects.toBeInstanceOf(KysoError);
    await expect(signPdf(fixture('encrypted-aes256.pdf'), signer, noCheck)).rejects.toMatchObject({
      code: 'PDF_ENCRYPTED',
    });
  });

  it('a field name that is not a signature field, a page out of range, a bad rectangle', async () => {
    const signer = openSigner();
    await expect(
      signPdf(fixture('libreoffice-form.pdf'), signer, { ...noCheck, fieldName: 'HoTen' }),
    ).rejects.toMatchObject({ code: 'SIGN_FIELD_NOT_FOUND' });
    await expect(
      signPdf(fixture('libreoffice-form.pdf'), signer, { ...noCheck, fieldName: 'KhongCo' }),
    ).rejects.toMatchObject({ code: 'SIGN_FIELD_NOT_FOUND' });
    await expect(
      signPdf(fixture('libreoffice-form.pdf'), signer, { ...noCheck, newFieldName: 'HoTen' }),
    ).rejects.toMatchObject({ code: 'SIGN_BAD_OPTIONS' });
    await expect(
      signPdf(await pdf(), signer, { ...noCheck, visible: { page: 9, rect: [0, 0, 10, 10] } }),
    ).rejects.toMatchObject({ code: 'SIGN_PAGE_OUT_OF_RANGE' });
    await expect(
      signPdf(await pdf(), signer, { ...noCheck, visible: { page: 1, rect: [0, 0, -1, 10] } }),
    ).rejects.toMatchObject({ code: 'SIGN_BAD_RECT' });
  });

  it('a placeholder too small is a typed error, never a corrupt file', async () => {
    await expect(signPdf(await pdf(), openSigner(), { ...noCheck, placeholderBytes: 500 })).rejects.toMatchObject({
      code: 'SIGN_PLACEHOLDER_TOO_SMALL',
    });
  });

  it('signFile leaves no output (and no temporary file) when signing fails', async () => {
    const dir = scratch('kyso-nofile-');
    const input = dir.file('in.pdf', await pdf());
    const out = dir.file('out.pdf');
    await expect(signFile(input, out, openSigner(), { ...noCheck, placeholderBytes: 100 })).rejects.toBeInstanceOf(
      SignError,
    );
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir.dir)).toEqual(['in.pdf']);
    dir.cleanup();
  });

  it('signFile writes the input bytes followed by the update', async () => {
    const input = await pdf();
    const inPath = tmp.file('file-in.pdf', input);
    const outPath = tmp.file('file-out.pdf');
    const res = await signFile(inPath, outPath, openSigner(), noCheck);
    const out = new Uint8Array(readFileSync(outPath));
    expect(res.bytes).toBe(out.length);
    expect(Buffer.from(out.subarray(0, input.length)).equals(Buffer.from(input))).toBe(true);
    expect((await cmsOf(out)).verified).toBe(true);
  });
});

describe('refusing certificates before signing', () => {
  it('refuses an expired certificate', async () => {
    await expect(
      signPdf(await pdfLibDoc({ objectStreams: false }), openSigner('expired.p12'), {
        certificateCheck: { revocation: 'off' },
      }),
    ).rejects.toMatchObject({ code: 'SIGN_CERT_EXPIRED' });
  });

  it('refuses a certificate that is not yet valid at the claimed time', async () => {
    await expect(
      signPdf(await pdfLibDoc({ objectStreams: false }), openSigner(), {
        certificateCheck: { revocation: 'off' },
        signingTime: new Date('2001-01-01'),
      }),
    ).rejects.toMatchObject({ code: 'SIGN_CERT_NOT_YET_VALID' });
  });
});

function pemKey(file: string): Uint8Array {
  const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12(file)).toString('binary')));
  const bags = forge.pkcs12.pkcs12FromAsn1(asn1, PASSWORD).getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[
    forge.pki.oids.pkcs8ShroudedKeyBag
  ]!;
  const info = bags[0].key
    ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bags[0].key))
    : (bags[0] as unknown as { asn1: forge.asn1.Asn1 }).asn1;
  return new Uint8Array(Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary'));
}

/** A .p12 with the key of `keyFrom` (or none) and the certificate of `certFrom`. */
function forgeP12(keyFrom: string | null, certFrom: string): Uint8Array {
  const load = (f: string) =>
    forge.pkcs12.pkcs12FromAsn1(
      forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12(f)).toString('binary'))),
      PASSWORD,
    );
  const cert = load(certFrom).getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag]![0].cert!;
  const key = keyFrom
    ? load(keyFrom).getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag]![0]
        .key!
    : null;
  const der = forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(key, [cert], PASSWORD, { algorithm: '3des' })).getBytes();
  return new Uint8Array(Buffer.from(der, 'binary'));
}

function derToRaw(der: Uint8Array, n: number): Uint8Array {
  const ints: Uint8Array[] = [];
  let p = 2;
  for (let k = 0; k < 2; k++) {
    const len = der[p + 1];
    let v = der.subarray(p + 2, p + 2 + len);
    while (v.length > n && v[0] === 0) v = v.subarray(1);
    const padded = new Uint8Array(n);
    padded.set(v, n - v.length);
    ints.push(padded);
    p += 2 + len;
  }
  return new Uint8Array([...ints[0], ...ints[1]]);
}

function trimDer(b: Uint8Array): Uint8Array {
  const lenByte = b[1];
  const n = lenByte & 0x80 ? lenByte & 0x7f : 0;
  let len = lenByte;
  if (n) {
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[2 + i];
  }
  return b.subarray(0, 2 + n + len);
}
