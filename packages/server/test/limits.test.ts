import { describe, expect, it } from 'vitest';
import { ServiceError } from '@kyso/server';
import { RateLimiter } from '../src/limits/rate-limit.js';
import { AuthFailureLimiter } from '../src/limits/auth-failures.js';
import { contentDisposition } from '../src/http/pdf-response.js';
import { isBase64 } from '../src/openapi/common-schemas.js';
import { WorkQueue } from '../src/limits/work-queue.js';
import { ApiKeyRegistry, apiKeyHash, createApiKey } from '../src/auth/api-keys.js';

describe('RateLimiter (token bucket)', () => {
  it('allows a burst, then one request per refill, and says how long to wait', () => {
    let now = 0;
    const rl = new RateLimiter({ burst: 2, perSecond: 0.5 }, () => now);
    expect(rl.take('a')).toEqual({ allowed: true });
    expect(rl.take('a')).toEqual({ allowed: true });
    expect(rl.take('a')).toEqual({ allowed: false, retryAfterSeconds: 2 });
    expect(rl.take('b')).toEqual({ allowed: true });
    now = 2000;
    expect(rl.take('a')).toEqual({ allowed: true });
    expect(rl.take('a').allowed).toBe(false);
  });
});

describe('AuthFailureLimiter (failed authentications per address, fixed window)', () => {
  it('blocks an address after max failures until its window ends; other addresses are free', () => {
    let now = 0;
    const l = new AuthFailureLimiter({ max: 2, windowSeconds: 10 }, () => now);
    expect(l.blockedFor('a')).toBe(0);
    l.fail('a');
    now = 3000;
    l.fail('a');
    expect(l.blockedFor('a')).toBe(7);
    expect(l.blockedFor('b')).toBe(0);
    now = 9500;
    expect(l.blockedFor('a')).toBe(1);
    now = 10_000;
    expect(l.blockedFor('a')).toBe(0);
    l.fail('a');
    expect(l.blockedFor('a')).toBe(0);
  });
});

describe('HTTP helpers', () => {
  it('contentDisposition: ASCII fallback without quotes or separators, the exact name in UTF-8, always .pdf', () => {
    expect(contentDisposition('signed.pdf')).toBe(`attachment; filename="signed.pdf"; filename*=UTF-8''signed.pdf`);
    expect(contentDisposition('Quyết định số 12.pdf')).toBe(
      `attachment; filename="Quyet dinh so 12.pdf"; filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20s%E1%BB%91%2012.pdf`,
    );
    expect(contentDisposition('a"b\r\n/c')).toBe(`attachment; filename="a_b_c.pdf"; filename*=UTF-8''a%22b_c.pdf`);
    expect(contentDisposition('Đơn')).toMatch(/^attachment; filename="Don.pdf"/);
  });

  it('isBase64: padded RFC 4648 only', () => {
    for (const ok of ['', 'AAAA', 'QUI=', 'QQ==', 'a+/9']) expect(isBase64(ok), ok).toBe(true);
    for (const bad of ['A', 'AAA', 'A=AA', 'QQ=', 'QUJD RA==', 'QUJDRA=\n', '@@@@', 'QQ==='])
      expect(isBase64(bad), bad).toBe(false);
  });
});

describe('WorkQueue', () => {
  it('runs at most `concurrency` jobs, queues up to the limit, refuses beyond with SERVICE_BUSY and Retry-After', async () => {
    const q = new WorkQueue(1, 1);
    const gates: (() => void)[] = [];
    const job = () => new Promise<string>((resolve) => gates.push(() => resolve('done')));
    const first = q.run(job);
    const second = q.run(job);
    expect(q.inFlight).toBe(1);
    expect(q.queued).toBe(1);
    const third = q.run(job);
    await expect(third).rejects.toMatchObject({ code: 'SERVICE_BUSY', retryAfter: 1 });
    await expect(third).rejects.toBeInstanceOf(ServiceError);
    gates.shift()!();
    expect(await first).toBe('done');
    await new Promise((r) => setImmediate(r));
    expect(q.inFlight).toBe(1);
    expect(q.queued).toBe(0);
    gates.shift()!();
    expect(await second).toBe('done');
    expect(q.inFlight).toBe(0);
  });

  it('frees the slot when a job fails', async () => {
    const q = new WorkQueue(1, 0);
    await expect(q.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await q.run(async () => 7)).toBe(7);
  });
});

describe('API keys', () => {
  it('are stored as SHA-256 and found by the key only', () => {
    const { key, entry } = createApiKey({ id: 'x', unit: 'U', aliases: ['seal'], externalCertificates: false });
    expect(entry.sha256).toBe(apiKeyHash(key));
    expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(entry)).not.toContain(key);
    const registry = new ApiKeyRegistry([
      entry,
      createApiKey({ id: 'y', unit: 'V', aliases: [], externalCertificates: true }).entry,
    ]);
    expect(registry.find(key)).toEqual({
      keyId: 'x',
      unit: 'U',
      aliases: ['seal'],
      externalCertificates: false,
      scopes: [],
    });
    expect(registry.find(key + 'x')).toBeNull();
    expect(registry.find(entry.sha256)).toBeNull();
  });
});
