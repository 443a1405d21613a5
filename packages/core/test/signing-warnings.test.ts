/**
 * signPdf and signFile return what they warned of (issue 18): typed warnings with Vietnamese and English text, the
 * same ones `onWarning` hears, on a result that is still the signed bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  SIGNING_WARNINGS,
  signFile,
  signPdf,
  tsaTimestamper,
  type RevocationChecker,
  type SigningWarning,
} from '@kyso/core';
import { validatePdf } from '@kyso/verify';
import { pdfLibDoc } from '../../../tests/helpers/producers.js';
import { openSigner, pem } from '../../../tests/helpers/keys.js';
import { startTsa, type TsaServer } from '../../../tests/helpers/pki-servers.js';
import { scratch } from '../../../tests/helpers/tools.js';

const tmp = scratch('kyso-sign-warnings-');
let tsa: TsaServer;
beforeAll(async () => {
  tsa = await startTsa();
});
afterAll(async () => {
  await tsa?.stop();
  tmp.cleanup();
});

/** A CA that does not answer: what the pre-signing check meets when the OCSP responder and CRL server are down. */
const silentCa: RevocationChecker = async () => ({
  status: 'unknown',
  source: null,
  warnings: ['REVOCATION_TIMEOUT: the responder did not answer in time'],
});
const good: RevocationChecker = async () => ({ status: 'good', source: 'ocsp', warnings: [] });
/** Every OCSP/CRL/AIA fetch fails, as when the network is down. */
const noNetwork = async (): Promise<Response> => {
  throw new TypeError('fetch failed: network unreachable');
};

describe('signPdf returns its warnings', () => {
  it('the signer’s status unchecked: SIGN_REVOCATION_UNCHECKED, in both languages, with the reason in its detail', async () => {
    const heard: SigningWarning[] = [];
    const input = await pdfLibDoc({ objectStreams: false });
    const out = await signPdf(input, openSigner('signer.p12'), {
      certificateCheck: { revocation: 'if-available', checker: silentCa },
      onWarning: (w) => heard.push(w),
    });

    expect(out.warnings.map((w) => w.code)).toEqual(['SIGN_REVOCATION_UNCHECKED']);
    const [w] = out.warnings;
    expect(w).toEqual({
      code: 'SIGN_REVOCATION_UNCHECKED',
      vi: SIGNING_WARNINGS.SIGN_REVOCATION_UNCHECKED[0],
      en: SIGNING_WARNINGS.SIGN_REVOCATION_UNCHECKED[1],
      detail: expect.stringContaining('REVOCATION_TIMEOUT'),
    });
    expect(w!.detail).toContain('Nguyễn Thị Lấp Lánh Ánh'); // which certificate
    expect(heard).toEqual(out.warnings);
    // The result is the signed PDF: a valid signature over the input's bytes, followed by its update.
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(out.subarray(0, input.length)).equals(Buffer.from(input))).toBe(true);
    const report = await validatePdf(out, { trustAnchors: [pem('root-ca.pem')], online: false });
    expect(report.signatures.map((s) => s.intact)).toEqual([true]);
  });

  it('nothing to say: no warnings; copies and slices are the bytes alone', async () => {
    const out = await signPdf(await pdfLibDoc({ objectStreams: false }), openSigner('signer.p12'), {
      certificateCheck: { revocation: 'if-available', checker: good },
    });
    expect(out.warnings).toEqual([]);
    expect('warnings' in out.slice(0, 8)).toBe(false);
    expect(Object.keys(out)).not.toContain('warnings'); // not enumerable: the bytes compare equal to the same bytes
    expect(out).toEqual(new Uint8Array(out));
  });

  it('B-LT whose revocation data cannot be had (policy missing: warn): signed at B-LT, LTV_REVOCATION_UNAVAILABLE per certificate', async () => {
    const out = await signPdf(await pdfLibDoc({ objectStreams: false }), openSigner('signer.p12'), {
      level: 'B-LT',
      timestamper: tsaTimestamper(tsa.url),
      certificateCheck: { revocation: 'if-available', checker: silentCa },
      ltv: { policy: { missing: 'warn', fetchIssuers: false, timeoutMs: 2000 }, fetch: noNetwork },
    });
    const codes = out.warnings.map((w) => w.code);
    expect(codes[0]).toBe('SIGN_REVOCATION_UNCHECKED');
    expect(codes).toContain('LTV_REVOCATION_UNAVAILABLE');
    const unavailable = out.warnings.filter((w) => w.code === 'LTV_REVOCATION_UNAVAILABLE');
    expect(unavailable.some((w) => w.detail?.includes('Nguyễn Thị Lấp Lánh Ánh'))).toBe(true);
    for (const w of out.warnings) expect(w.vi).not.toMatch(/\b(the|could|not|embedded)\b/); // no English inside the Vietnamese
    const report = await validatePdf(out, { trustAnchors: [pem('root-ca.pem')], online: false });
    expect(report.signatures[0]!.intact).toBe(true);
    expect(report.signatures[0]!.timestamps.length).toBe(1);
  });

  it('a visible box too small for its text: APPEARANCE_TEXT_UNREADABLE with the size printed; a box of the usual size: none', async () => {
    const input = await pdfLibDoc({ objectStreams: false });
    const check = { revocation: 'if-available' as const, checker: good };
    const tiny = await signPdf(input, openSigner('signer.p12'), {
      certificateCheck: check,
      visible: { page: 1, rect: [36, 36, 60, 14] },
      reason: 'Phê duyệt',
      location: 'Bắc Ninh',
    });
    expect(tiny.warnings.map((w) => w.code)).toEqual(['APPEARANCE_TEXT_UNREADABLE']);
    expect(tiny.warnings[0]!.detail).toMatch(/^text at \d+(\.\d)? pt in a 60×14 pt box/);
    const usual = await signPdf(input, openSigner('signer.p12'), {
      certificateCheck: check,
      visible: { page: 1, rect: [36, 36, 260, 90] },
      reason: 'Phê duyệt',
      location: 'Bắc Ninh',
    });
    expect(usual.warnings).toEqual([]);
  });

  it('signFile returns the same warnings beside the field name', async () => {
    const inPath = join(tmp.dir, 'in.pdf');
    const outPath = join(tmp.dir, 'out.pdf');
    writeFileSync(inPath, await pdfLibDoc({ objectStreams: false }));
    const res = await signFile(inPath, outPath, openSigner('signer.p12'), {
      certificateCheck: { revocation: 'if-available', checker: silentCa },
    });
    expect(res.warnings.map((w) => w.code)).toEqual(['SIGN_REVOCATION_UNCHECKED']);
    expect(readFileSync(outPath).length).toBe(res.bytes);
  });
});
