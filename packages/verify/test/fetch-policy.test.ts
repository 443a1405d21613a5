/**
 * The fetch policy without a network: the address classifier on IPv4/IPv6 edge cases, URL checks (scheme, port,
 * allow-list, literals), and the guarded fetch's redirects, budget and per-host cap over a transport that records
 * what it was asked (a stand-in for the socket layer; the Node transport is tested against real listeners in
 * tests/security/ssrf.test.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  checkUrl,
  classifyAddress,
  fetchPolicy,
  FetchGate,
  guardedFetch,
  httpExchange,
  parseIpv6,
  publicAddressesOnly,
  type FetchTransport,
} from '@kyso/verify';

describe('classifyAddress', () => {
  const cases: Array<[string, string]> = [
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['100.128.0.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['172.15.255.255', 'public'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['198.20.0.1', 'public'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:8.8.8.8', 'public'],
    ['::ffff:0:10.0.0.1', 'private'],
    ['::127.0.0.1', 'reserved'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::808:808', 'public'],
    ['64:ff9b:1::1', 'private'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:808:808::1', 'public'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001::1', 'reserved'],
    ['100::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001::1', 'public'],
  ];
  for (const [address, range] of cases) {
    it(`${address} is ${range}`, () => expect(classifyAddress(address)?.range).toBe(range));
  }

  it('host names and malformed addresses are not addresses', () => {
    for (const s of [
      'localhost',
      'example.com',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      'g::1',
      '::ffff:1.2.3.256',
      '',
    ]) {
      expect(classifyAddress(s), s).toBeNull();
    }
  });

  it('parses "::" in every position', () => {
    expect(parseIpv6('1::')).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIpv6('::2:3')).toEqual([0, 0, 0, 0, 0, 0, 2, 3]);
    expect(parseIpv6('1:2:3:4:5:6:7::')).toEqual([1, 2, 3, 4, 5, 6, 7, 0]);
    expect(parseIpv6('1:2:3:4:5:6::1.2.3.4')).toBeNull();
    expect(parseIpv6('1:2:3:4:5:6:1.2.3.4')).toEqual([1, 2, 3, 4, 5, 6, 0x102, 0x304]);
  });
});

describe('checkUrl', () => {
  const policy = fetchPolicy({ allowHosts: ['127.0.0.1:39601', 'ocsp.internal'] });
  const refused = (url: string) => {
    try {
      checkUrl(url, policy);
      return 'allowed';
    } catch (e) {
      return (e as { code: string }).code;
    }
  };

  it('only http and https, on 80/443 unless allow-listed', () => {
    expect(refused('ftp://ca.example/x.crl')).toBe('FETCH_SCHEME_REFUSED');
    expect(refused('file:///etc/passwd')).toBe('FETCH_SCHEME_REFUSED');
    expect(refused('ldap://ca.example/cn=x')).toBe('FETCH_SCHEME_REFUSED');
    expect(refused('http://ca.example:8080/x.crl')).toBe('FETCH_PORT_REFUSED');
    expect(refused('http://ca.example/x.crl')).toBe('allowed');
    expect(refused('https://ca.example:443/x.crl')).toBe('allowed');
    expect(refused('not a url')).toBe('FETCH_URL_INVALID');
  });

  it('IP literals outside global unicast are refused, in every spelling the URL parser accepts', () => {
    for (const u of [
      'http://127.0.0.1/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://0177.0.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://0.0.0.0/',
      'http://[::]/',
      'http://10.1.2.3/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      'http://224.0.0.1/',
    ]) {
      expect(refused(u), u).toBe('FETCH_ADDRESS_REFUSED');
    }
    expect(refused('http://8.8.8.8/')).toBe('allowed');
  });

  it('allow-listed host:port and host entries pass whatever their address', () => {
    expect(checkUrl('http://127.0.0.1:39601/', policy).allowListed).toBe(true);
    expect(refused('http://127.0.0.1:39602/')).toBe('FETCH_PORT_REFUSED');
    expect(refused('http://127.0.0.1/')).toBe('FETCH_ADDRESS_REFUSED');
    expect(checkUrl('http://OCSP.internal/', policy).allowListed).toBe(true);
    expect(refused('http://ocsp.internal:8080/')).toBe('FETCH_PORT_REFUSED');
  });

  it('the address guard accepts global unicast only', () => {
    expect(publicAddressesOnly('93.184.216.34')).toBeNull();
    expect(publicAddressesOnly('127.0.0.1')).toBe('loopback');
    expect(publicAddressesOnly('::ffff:10.0.0.1')).toBe('private');
    expect(publicAddressesOnly('localhost')).toBe('not-an-address');
  });
});

/** A transport that answers from a table and records every URL it was asked for. */
function tableTransport(routes: Record<string, () => Response>): FetchTransport & { asked: string[] } {
  const asked: string[] = [];
  const t = (async (url: string) => {
    asked.push(url);
    const route = routes[url];
    return route ? route() : new Response('nope', { status: 404 });
  }) as FetchTransport & { asked: string[] };
  t.asked = asked;
  return t;
}

const redirect =
  (to: string, status = 302) =>
  () =>
    new Response(null, { status, headers: { location: to } });

describe('guardedFetch', () => {
  it('follows a redirect to an allowed host, refuses one to a forbidden host without asking the transport', async () => {
    const t = tableTransport({
      'http://ca.example/a': redirect('http://ca2.example/b'),
      'http://ca2.example/b': () => new Response('ok'),
      'http://ca.example/evil': redirect('http://169.254.169.254/latest/'),
      'http://ca.example/port': redirect('http://ca.example:22/'),
    });
    const f = guardedFetch({ transport: t });
    expect(await (await f('http://ca.example/a')).text()).toBe('ok');
    await expect(f('http://ca.example/evil')).rejects.toMatchObject({ code: 'FETCH_ADDRESS_REFUSED' });
    await expect(f('http://ca.example/port')).rejects.toMatchObject({ code: 'FETCH_PORT_REFUSED' });
    expect(t.asked).toEqual([
      'http://ca.example/a',
      'http://ca2.example/b',
      'http://ca.example/evil',
      'http://ca.example/port',
    ]);
    expect(f.stats().refused.map((r) => r.code)).toEqual(['FETCH_ADDRESS_REFUSED', 'FETCH_PORT_REFUSED']);
  });

  it('follows at most maxRedirects hops', async () => {
    const t = tableTransport({
      'http://a.example/0': redirect('/1'),
      'http://a.example/1': redirect('/2'),
      'http://a.example/2': redirect('/3'),
      'http://a.example/3': redirect('/4'),
      'http://a.example/4': () => new Response('end'),
    });
    await expect(
      guardedFetch({ transport: t, policy: { maxRedirects: 3 } })('http://a.example/0'),
    ).rejects.toMatchObject({ code: 'FETCH_TOO_MANY_REDIRECTS' });
    expect(t.asked).toHaveLength(4);
    expect(await (await guardedFetch({ transport: t, policy: { maxRedirects: 4 } })('http://a.example/0')).text()).toBe(
      'end',
    );
  });

  it('a 303 (and a 302 after a POST) continues as a GET without the body', async () => {
    const seen: Array<{ url: string; method?: string; body: unknown }> = [];
    const t: FetchTransport = async (url, init) => {
      seen.push({ url, method: init.method, body: init.body });
      return url.endsWith('/post')
        ? new Response(null, { status: 302, headers: { location: '/get' } })
        : new Response('x');
    };
    await guardedFetch({ transport: t })('http://a.example/post', { method: 'POST', body: new Uint8Array([1]) });
    expect(seen[1]).toEqual({ url: 'http://a.example/get', method: 'GET', body: undefined });
  });

  it('an Authorization header does not follow a redirect to another origin', async () => {
    const seen: Array<string | null> = [];
    const t: FetchTransport = async (url, init) => {
      seen.push(new Headers(init.headers).get('authorization'));
      if (url.endsWith('/same')) return new Response(null, { status: 307, headers: { location: '/other-path' } });
      if (url.endsWith('/other-path'))
        return new Response(null, { status: 307, headers: { location: 'http://elsewhere.example/x' } });
      return new Response('x');
    };
    await guardedFetch({ transport: t })('http://tsa.example/same', {
      method: 'POST',
      headers: { authorization: 'Basic c2VjcmV0' },
      body: new Uint8Array([1]),
    });
    expect(seen).toEqual(['Basic c2VjcmV0', 'Basic c2VjcmV0', null]);
  });

  it("one budget: request count over the guarded fetch's life", async () => {
    const t = tableTransport(
      Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`http://ca.example/${i}`, () => new Response('x')])),
    );
    const f = guardedFetch({ transport: t, policy: { budget: { maxRequests: 5 } } });
    const outcomes = [];
    for (let i = 0; i < 50; i++)
      outcomes.push(
        await f(`http://ca.example/${i}`).then(
          async (r) => (await r.text(), 'ok'),
          (e: { code: string }) => e.code,
        ),
      );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(5);
    expect(outcomes.slice(5).every((o) => o === 'FETCH_BUDGET_EXCEEDED')).toBe(true);
    expect(t.asked).toHaveLength(5);
  });

  it('one budget: bytes across requests, the exchange reports the refusal', async () => {
    const t = tableTransport({ 'http://ca.example/big': () => new Response(new Uint8Array(600)) });
    const f = guardedFetch({ transport: t, policy: { budget: { maxBytes: 1000 } } });
    const first = await httpExchange('http://ca.example/big', {}, { timeoutMs: 5000, maxBytes: 10_000, fetch: f });
    expect(first.ok).toBe(true);
    const second = await httpExchange('http://ca.example/big', {}, { timeoutMs: 5000, maxBytes: 10_000, fetch: f });
    expect(second).toMatchObject({ ok: false, failure: 'refused', code: 'FETCH_BUDGET_EXCEEDED' });
  });

  it('one budget: wall time aborts what runs and refuses what comes after', async () => {
    const t: FetchTransport = (_url, init) =>
      new Promise((_resolve, reject) =>
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true }),
      );
    const f = guardedFetch({ transport: t, policy: { budget: { totalMs: 50 } } });
    const r = await httpExchange('http://slow.example/', {}, { timeoutMs: 10_000, maxBytes: 100, fetch: f });
    expect(r).toMatchObject({ ok: false, failure: 'refused', code: 'FETCH_BUDGET_EXCEEDED' });
    await expect(f('http://slow.example/again')).rejects.toMatchObject({ code: 'FETCH_BUDGET_EXCEEDED' });
  });

  it('the gate holds a host to its cap across guarded fetches', async () => {
    const gate = new FetchGate(2);
    let running = 0;
    let most = 0;
    const t: FetchTransport = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      return new Response(null, { status: 204 });
    };
    const fetches = Array.from({ length: 3 }, () => guardedFetch({ transport: t, gate }));
    await Promise.all(fetches.flatMap((f) => [f('http://ca.example/1'), f('http://ca.example/2')]));
    expect(most).toBe(2);
  });
});
