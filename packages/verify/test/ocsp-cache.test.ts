/**
 * OcspCache: a batch run asks the OCSP responder once per certificate, not once per file. Real responders (the test
 * PKI's on 39601 for whole validations, `openssl ocsp` on a random port for checkRevocation), requests counted through
 * a counting fetch. A kept answer is checked again for every file and is not reused past its nextUpdate or the run's
 * bound; without a cache every check asks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcspCache, checkRevocation, type FetchLike, type ValidationReport } from '@kyso/verify';
import {
  TestPki,
  startOpensslOcsp,
  stopAll,
  type Leaf,
  type RunningServer,
} from '../../../tests/helpers/revocation-servers.js';
import { kysoSign, plainPdf, validate, verdictOf } from './helpers/signed-pdfs.js';

/** globalThis.fetch, counting the OCSP requests (POST) that go out. */
function countingFetch(): { fetch: FetchLike; posts: () => number } {
  let posts = 0;
  const fetch: FetchLike = (input, init) => {
    if ((init?.method ?? 'GET').toUpperCase() === 'POST') posts++;
    return globalThis.fetch(input, init);
  };
  return { fetch, posts: () => posts };
}

const leafRevocation = (r: ValidationReport) => r.signatures[0]!.revocation[0]!;

describe('validatePdf with one OcspCache for a batch (the test PKI responder, 39601)', () => {
  let good: Uint8Array[];
  let revoked: Uint8Array[];
  beforeAll(async () => {
    const input = await plainPdf();
    good = await Promise.all(Array.from({ length: 6 }, (_, i) => kysoSign(input, { reason: `tệp ${i}` })));
    revoked = await Promise.all(
      Array.from({ length: 3 }, (_, i) => kysoSign(input, { p12: 'revoked.p12', reason: `tệp ${i}` })),
    );
  });

  it('6 files by one signer: 1 OCSP request, every file TOTAL-PASSED with its leaf GOOD from ONLINE OCSP', async () => {
    const counter = countingFetch();
    const ocspCache = new OcspCache();
    const reports: ValidationReport[] = [];
    for (const file of good)
      reports.push(await validate(file, { online: true, timeoutMs: 20_000, fetch: counter.fetch, ocspCache }));
    expect(counter.posts()).toBe(1);
    expect(ocspCache.size).toBe(1);
    const first = leafRevocation(reports[0]!);
    for (const r of reports) {
      expect(verdictOf(r.signatures[0]!)).toBe('TOTAL-PASSED/-');
      expect(leafRevocation(r)).toMatchObject({ status: 'GOOD', source: 'ONLINE OCSP' });
      // the same response decided: the same time stated for every file
      expect(leafRevocation(r).producedAt).toBe(first.producedAt);
    }
  }, 120_000);

  it('without a cache (a single validation, the service): one OCSP request per file, as before', async () => {
    const counter = countingFetch();
    for (const file of good.slice(0, 3)) {
      const r = await validate(file, { online: true, timeoutMs: 20_000, fetch: counter.fetch });
      expect(leafRevocation(r).status).toBe('GOOD');
    }
    expect(counter.posts()).toBe(3);
  }, 120_000);

  it('a revoked signer: 1 OCSP request, every one of its files TOTAL-FAILED/REVOKED', async () => {
    const counter = countingFetch();
    const ocspCache = new OcspCache();
    for (const file of revoked) {
      const r = await validate(file, { online: true, timeoutMs: 20_000, fetch: counter.fetch, ocspCache });
      expect(verdictOf(r.signatures[0]!)).toBe('TOTAL-FAILED/REVOKED');
      expect(leafRevocation(r)).toMatchObject({ status: 'REVOKED', source: 'ONLINE OCSP' });
      expect(leafRevocation(r).revokedAt).toMatch(/^\d{4}-/);
    }
    expect(counter.posts()).toBe(1);
  }, 120_000);

  it('good and revoked files mixed under one cache: one request per certificate, no answer crosses over', async () => {
    const counter = countingFetch();
    const ocspCache = new OcspCache();
    const order = [good[0]!, revoked[0]!, good[1]!, revoked[1]!, good[2]!];
    const statuses: string[] = [];
    for (const file of order)
      statuses.push(
        leafRevocation(await validate(file, { online: true, timeoutMs: 20_000, fetch: counter.fetch, ocspCache }))
          .status,
      );
    expect(statuses).toEqual(['GOOD', 'REVOKED', 'GOOD', 'REVOKED', 'GOOD']);
    expect(counter.posts()).toBe(2);
  }, 120_000);
});

describe('checkRevocation with an OcspCache (openssl ocsp, answers valid 60 minutes)', () => {
  const pki = new TestPki();
  let signer: Leaf;
  let intermediate: Uint8Array;
  let ocsp: RunningServer;
  beforeAll(async () => {
    signer = pki.leaf('signer');
    intermediate = pki.der('intermediate-ca.pem');
    ocsp = await startOpensslOcsp({ signer: pki.leaf('ocsp') });
  });
  afterAll(() => stopAll());

  /** A cache on a clock the test moves. */
  function cacheAt(): { cache: OcspCache; advance: (ms: number) => void } {
    let now = Date.now();
    return { cache: new OcspCache({ now: () => now }), advance: (ms) => (now += ms) };
  }
  const ask = (cache: OcspCache, fetch: FetchLike, at?: Date) =>
    checkRevocation(signer.certDer, intermediate, {
      ocspUrlOverride: ocsp.url,
      prefer: 'ocsp-then-crl',
      crlUrlOverride: 'http://127.0.0.1:9/none',
      timeoutMs: 20_000,
      fetch,
      ocspCache: cache,
      at,
    });

  it('reused within the run: the second check sends nothing, says reused, and carries the same response as evidence', async () => {
    const { cache, advance } = cacheAt();
    const counter = countingFetch();
    const a = await ask(cache, counter.fetch);
    advance(60_000);
    const b = await ask(cache, counter.fetch);
    expect(counter.posts()).toBe(1);
    expect([a.status, b.status]).toEqual(['good', 'good']);
    expect(a.attempts[0]!.reused).toBeUndefined();
    expect(b.attempts).toEqual([{ source: 'ocsp', url: ocsp.url, outcome: 'good', problems: [], reused: true }]);
    expect(b.evidence.ocspResponses).toEqual(a.evidence.ocspResponses);
    expect(b.thisUpdate).toEqual(a.thisUpdate);
    expect(b.warnings).toEqual(a.warnings);
  }, 60_000);

  it('not reused past the run bound (5 minutes): asked again', async () => {
    const { cache, advance } = cacheAt();
    const counter = countingFetch();
    await ask(cache, counter.fetch);
    advance(5 * 60_000 + 1);
    const b = await ask(cache, counter.fetch);
    expect(counter.posts()).toBe(2);
    expect(b.status).toBe('good');
    expect(b.attempts[0]!.reused).toBeUndefined();
  }, 60_000);

  it('not reused past its nextUpdate by the clock, even within a longer run bound: asked again', async () => {
    let now = Date.now();
    const cache = new OcspCache({ now: () => now, maxAgeMs: 24 * 3_600_000 });
    const counter = countingFetch();
    const a = await ask(cache, counter.fetch);
    expect(a.nextUpdate!.getTime() - a.thisUpdate!.getTime()).toBe(60 * 60_000);
    now = a.nextUpdate!.getTime() + 1;
    const b = await ask(cache, counter.fetch);
    expect(counter.posts()).toBe(2);
    expect(b.status).toBe('good');
    expect(b.attempts[0]!.reused).toBeUndefined();
  }, 60_000);

  it('not reused when it is not current at the validation time (past nextUpdate there): asked again', async () => {
    const cache = new OcspCache({ maxAgeMs: 24 * 3_600_000 });
    const counter = countingFetch();
    await ask(cache, counter.fetch);
    const later = new Date(Date.now() + 2 * 3_600_000);
    const c = await ask(cache, counter.fetch, later);
    expect(counter.posts()).toBe(2);
    // the fresh answer is not current two hours on either: nothing decided by OCSP, nothing reused
    expect(c.source).not.toBe('ocsp');
    expect(c.attempts.filter((x) => x.source === 'ocsp')).toEqual([
      { source: 'ocsp', url: ocsp.url, outcome: 'unusable', problems: ['OCSP_EXPIRED'] },
    ]);
  }, 60_000);
});
