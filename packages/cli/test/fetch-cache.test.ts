/** The run's cache of GET answers for `kyso verify --online` (src/fetch-cache.ts), over a counting fetch. */
import { describe, expect, it } from 'vitest';
import { runFetchCache } from '../src/fetch-cache.js';

function counting(status = 200) {
  const calls: string[] = [];
  const fetch = async (input: string, init?: RequestInit) => {
    calls.push(`${init?.method ?? 'GET'} ${input}`);
    return new Response(new Uint8Array([1, 2, calls.length]), {
      status,
      headers: { 'content-type': 'application/pkix-crl' },
    });
  };
  return { calls, fetch };
}

describe('runFetchCache', () => {
  it('asks once per GET URL and answers every caller with the same bytes, each a body of its own', async () => {
    const { calls, fetch } = counting();
    const cached = runFetchCache();
    const a = cached(fetch); // two files' fetches, one run
    const b = cached(fetch);
    const first = await a('http://ca.example/int.crl');
    const second = await b('http://ca.example/int.crl');
    expect([...new Uint8Array(await first.arrayBuffer())]).toEqual([1, 2, 1]);
    expect([...new Uint8Array(await second.arrayBuffer())]).toEqual([1, 2, 1]);
    expect(second.headers.get('content-type')).toBe('application/pkix-crl');
    expect(calls).toEqual(['GET http://ca.example/int.crl']);
    await a('http://ca.example/root.crl');
    expect(calls).toHaveLength(2);
  });

  it('never keeps a POST (OCSP) or a failed answer', async () => {
    const post = counting();
    const cached = runFetchCache()(post.fetch);
    await cached('http://ocsp.example/', { method: 'POST', body: new Uint8Array([0]) });
    await cached('http://ocsp.example/', { method: 'POST', body: new Uint8Array([0]) });
    expect(post.calls).toHaveLength(2);
    const failing = counting(503);
    const cachedFailing = runFetchCache()(failing.fetch);
    expect((await cachedFailing('http://ca.example/int.crl')).status).toBe(503);
    await cachedFailing('http://ca.example/int.crl');
    expect(failing.calls).toHaveLength(2);
  });

  it('separate runs share nothing', async () => {
    const { calls, fetch } = counting();
    await runFetchCache()(fetch)('http://ca.example/int.crl');
    await runFetchCache()(fetch)('http://ca.example/int.crl');
    expect(calls).toHaveLength(2);
  });
});
