/**
 * The failure modes of B-LT/B-LTA and extend: the TSA or the OCSP responder down (connection refused), slow
 * (timeout), answering garbage or answering another request's nonce. Each gives a typed error with Vietnamese and
 * English messages, leaves the input untouched and writes no output file (not even a partial one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PdfDocument } from '@kyso/pdf';
import { extendFile, signFile, signPdf, tsaTimestamper, type ExtendOptions } from '@kyso/core';
import { pdfLibDoc } from './helpers/producers.js';
import { openSigner } from './helpers/keys.js';
import { OCSP_PORT, startTsa, type TsaMode, type TsaServer } from './helpers/pki-servers.js';
import { freePort, startHttpServer, stopAll } from './helpers/revocation-servers.js';
import { scratch } from './helpers/tools.js';
import { coverage, readDss } from './helpers/ltv.js';

let tsa: TsaServer;
let signedBT: Uint8Array;
beforeAll(async () => {
  tsa = await startTsa();
  signedBT = await signPdf(await pdfLibDoc({ objectStreams: false }), openSigner(), {
    certificateCheck: false,
    level: 'B-T',
    timestamper: tsaTimestamper(tsa.url),
  });
});
afterAll(async () => {
  await tsa?.stop();
  await stopAll();
});

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Runs `fn(inPath, outPath)` expecting `code`; checks the input is unchanged and the directory holds only it. */
async function expectCleanFailure(
  input: Uint8Array,
  code: string,
  fn: (inPath: string, outPath: string) => Promise<unknown>,
): Promise<Record<string, unknown>> {
  const dir = scratch('kyso-ltv-fail-');
  try {
    const inPath = dir.file('in.pdf', input);
    const before = sha(readFileSync(inPath));
    const e = await fn(inPath, join(dir.dir, 'out.pdf')).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ code });
    const err = e as { messageVi: string; messageEn: string; details: Record<string, unknown> };
    expect(err.messageVi.length).toBeGreaterThan(10);
    expect(err.messageEn.length).toBeGreaterThan(10);
    expect(sha(readFileSync(inPath))).toBe(before);
    expect(readdirSync(dir.dir)).toEqual(['in.pdf']);
    return err.details;
  } finally {
    dir.cleanup();
  }
}

/** An HTTP "OCSP responder" on a random port behaving badly. */
async function badResponder(mode: 'slow' | 'garbage' | 'wrong-nonce'): Promise<string> {
  const server = await startHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (mode === 'slow') return; // never answers: the client's timeout must fire
      if (mode === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end('<html>not an OCSP response</html>');
        return;
      }
      // The real responder, asked with the nonce's last byte flipped: a genuine response for another nonce.
      const request = Buffer.concat(chunks);
      request[request.length - 1] ^= 0x01;
      fetch(`http://127.0.0.1:${OCSP_PORT}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request' },
        body: request,
      })
        .then(async (r) =>
          res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(Buffer.from(await r.arrayBuffer())),
        )
        .catch(() => res.writeHead(502).end());
    });
  });
  return server.url;
}

describe('the OCSP responder fails (policy: OCSP where named, no CRL fallback)', () => {
  const cases: [string, string, () => Promise<string>][] = [
    ['down (connection refused)', 'REVOCATION_UNREACHABLE', async () => `http://127.0.0.1:${await freePort()}/`],
    ['slow (timeout)', 'REVOCATION_TIMEOUT', () => badResponder('slow')],
    ['answering garbage', 'OCSP_MALFORMED', () => badResponder('garbage')],
    ['answering another nonce', 'OCSP_NONCE_MISMATCH', () => badResponder('wrong-nonce')],
  ];
  it.each(cases)('%s: extend B-LT gives LTV_REVOCATION_UNAVAILABLE (%s)', async (_what, reason, url) => {
    const ocspUrlOverride = await url();
    const options: ExtendOptions = {
      level: 'B-LT',
      timestamper: tsaTimestamper(tsa.url),
      ocspUrlOverride,
      policy: { revocation: 'ocsp', timeoutMs: 500 },
    };
    const details = await expectCleanFailure(signedBT, 'LTV_REVOCATION_UNAVAILABLE', (i, o) =>
      extendFile(i, o, options),
    );
    const attempts = details.attempts as { source: string; reasons: string[] }[];
    expect(attempts.some((a) => a.source === 'ocsp' && a.reasons.includes(reason))).toBe(true);
  });

  it('signing B-LT with the responder down: no output file either', async () => {
    const ocspUrlOverride = `http://127.0.0.1:${await freePort()}/`;
    await expectCleanFailure(await pdfLibDoc({ objectStreams: true }), 'LTV_REVOCATION_UNAVAILABLE', (i, o) =>
      signFile(i, o, openSigner(), {
        certificateCheck: false,
        level: 'B-LT',
        timestamper: tsaTimestamper(tsa.url),
        ltv: { ocspUrlOverride, policy: { revocation: 'ocsp' } },
      }),
    );
  });

  it('the default policy falls back to the CRL when the responder is down', async () => {
    const ocspUrlOverride = `http://127.0.0.1:${await freePort()}/`;
    const dir = scratch('kyso-ltv-fallback-');
    try {
      const inPath = dir.file('in.pdf', signedBT);
      await extendFile(inPath, join(dir.dir, 'out.pdf'), {
        level: 'B-LT',
        ocspUrlOverride,
        policy: { timeoutMs: 2000 },
      });
      const dss = readDss(PdfDocument.load(new Uint8Array(readFileSync(join(dir.dir, 'out.pdf')))));
      expect(dss.ocsps).toEqual([]);
      const leaves = dss.certs.filter((c) => !c.selfIssued && !c.subject.includes('Kyso Test'));
      expect(leaves.length).toBeGreaterThan(0);
      for (const c of leaves) expect(coverage(dss, c)).toBe('crl');
    } finally {
      dir.cleanup();
    }
  });
});

describe('the TSA fails', () => {
  const modes: [TsaMode, string][] = [
    ['garbage', 'TSA_BAD_RESPONSE'],
    ['wrong-nonce', 'TSA_NONCE_MISMATCH'],
  ];
  it.each(modes)('answering %s: extend B-LTA gives %s', async (mode, code) => {
    const bad = await startTsa({ mode });
    try {
      await expectCleanFailure(signedBT, code, (i, o) =>
        extendFile(i, o, { level: 'B-LTA', timestamper: tsaTimestamper(bad.url) }),
      );
    } finally {
      await bad.stop();
    }
  });

  it('slow: TSA_TIMEOUT', async () => {
    const slow = await startTsa({ mode: 'slow', delayMs: 3000 });
    try {
      await expectCleanFailure(signedBT, 'TSA_TIMEOUT', (i, o) =>
        extendFile(i, o, { level: 'B-LTA', timestamper: tsaTimestamper(slow.url, { timeoutMs: 300 }) }),
      );
    } finally {
      await slow.stop();
    }
  });

  it('down: TSA_UNREACHABLE, for extend and for signing B-LTA', async () => {
    const down = `http://127.0.0.1:${await freePort()}/`;
    await expectCleanFailure(signedBT, 'TSA_UNREACHABLE', (i, o) =>
      extendFile(i, o, { level: 'B-LTA', timestamper: tsaTimestamper(down) }),
    );
    await expectCleanFailure(await pdfLibDoc({ objectStreams: false }), 'TSA_UNREACHABLE', (i, o) =>
      signFile(i, o, openSigner(), { certificateCheck: false, level: 'B-LTA', timestamper: tsaTimestamper(down) }),
    );
  });

  it('a B-B file taken to B-T without a TSA: LTV_NEEDS_TIMESTAMP', async () => {
    const bb = await signPdf(await pdfLibDoc({ objectStreams: false }), openSigner(), { certificateCheck: false });
    await expectCleanFailure(bb, 'LTV_NEEDS_TIMESTAMP', (i, o) => extendFile(i, o, { level: 'B-T' }));
  });

  it('an unsigned file: LTV_NO_SIGNATURES', async () => {
    await expectCleanFailure(await pdfLibDoc({ objectStreams: false }), 'LTV_NO_SIGNATURES', (i, o) =>
      extendFile(i, o, { level: 'B-LT' }),
    );
  });
});
