/**
 * Which IP addresses a fetch on behalf of a document may reach: only global unicast. Loopback, private,
 * shared (CGNAT), link-local, multicast, unspecified, documentation and otherwise reserved ranges (IANA special-
 * purpose registries for IPv4 and IPv6) are refused, and an IPv6 address that carries an IPv4 one (IPv4-mapped,
 * IPv4-compatible, NAT64, 6to4) is judged by the IPv4 address inside. Pure functions, no Node: used by the
 * guarded fetch on URL literals, and by @kyso/core's Node transport on every resolved address.
 */

export type AddressRange =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'multicast'
  | 'documentation'
  | 'reserved';

/** An IPv4 address's four bytes, an IPv6 address's eight 16-bit groups. */
export type Ipv4 = [number, number, number, number];
export type Ipv6 = [number, number, number, number, number, number, number, number];

export interface AddressClass {
  family: 4 | 6;
  range: AddressRange;
}

/** Dotted-decimal IPv4, strictly four decimal parts 0-255 (what URL parsing and DNS give); null otherwise. */
export function parseIpv4(text: string): Ipv4 | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out as Ipv4; // four parts, checked above
}

/** IPv6 text (with "::" and an optional dotted IPv4 tail; brackets and a zone id are accepted) → 8 groups; null otherwise. */
export function parseIpv6(input: string): Ipv6 | null {
  let text = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!text.includes(':')) return null;
  // A dotted IPv4 tail (::ffff:127.0.0.1) is rewritten as its two groups.
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIpv4(last);
    if (!v4) return null;
    text = `${text.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const group = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const [before = '', after] = halves;
  const head = group(before);
  const rest = after !== undefined ? group(after) : [];
  if (!head || !rest) return null;
  const known = head.length + rest.length;
  if (halves.length === 2) {
    if (known > 7) return null;
    return [...head, ...new Array<number>(8 - known).fill(0), ...rest] as Ipv6; // known < 8 groups, zeros fill to 8
  }
  return known === 8 ? (head as Ipv6) : null;
}

function inV4(a: Ipv4, prefix: Ipv4, bits: number): boolean {
  for (let i = 0; i < 4 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((a[i]! & mask) !== (prefix[i]! & mask)) return false; // i < 4
  }
  return true;
}

/** IANA IPv4 Special-Purpose Address Registry, plus multicast and class E; everything else is public. */
const V4_RANGES: Array<[Ipv4, number, AddressRange]> = [
  [[0, 0, 0, 0], 8, 'unspecified'],
  [[10, 0, 0, 0], 8, 'private'],
  [[100, 64, 0, 0], 10, 'shared'],
  [[127, 0, 0, 0], 8, 'loopback'],
  [[169, 254, 0, 0], 16, 'link-local'],
  [[172, 16, 0, 0], 12, 'private'],
  [[192, 0, 0, 0], 24, 'reserved'],
  [[192, 0, 2, 0], 24, 'documentation'],
  [[192, 88, 99, 0], 24, 'reserved'],
  [[192, 168, 0, 0], 16, 'private'],
  [[198, 18, 0, 0], 15, 'reserved'],
  [[198, 51, 100, 0], 24, 'documentation'],
  [[203, 0, 113, 0], 24, 'documentation'],
  [[224, 0, 0, 0], 4, 'multicast'],
  [[240, 0, 0, 0], 4, 'reserved'],
];

export function classifyIpv4(a: Ipv4): AddressRange {
  for (const [prefix, bits, range] of V4_RANGES) if (inV4(a, prefix, bits)) return range;
  return 'public';
}

/** 8 groups → its range; IPv4 carried inside is judged as IPv4. */
export function classifyIpv6(g: Ipv6): AddressRange {
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  const v4 = (hi: number, lo: number): Ipv4 => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff];
  if (g.every((x) => x === 0)) return 'unspecified';
  if (zeroTo(7) && g[7] === 1) return 'loopback';
  if (zeroTo(5) && g[5] === 0xffff) return classifyIpv4(v4(g[6], g[7])); // ::ffff:a.b.c.d, IPv4-mapped
  if (zeroTo(4) && g[4] === 0xffff && g[5] === 0) return classifyIpv4(v4(g[6], g[7])); // ::ffff:0:a.b.c.d, SIIT
  if (zeroTo(6)) return 'reserved'; // ::a.b.c.d, IPv4-compatible (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return classifyIpv4(v4(g[6], g[7])); // NAT64
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'private'; // local-use NAT64
  if (g[0] === 0x2002) return classifyIpv4(v4(g[1], g[2])); // 6to4
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'documentation';
  if (g[0] === 0x3fff && g[1] < 0x1000) return 'documentation'; // 3fff::/20
  if (g[0] === 0x2001 && g[1] < 0x0200) return 'reserved'; // 2001::/23 IETF protocol assignments (Teredo, ORCHID…)
  if ((g[0] & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0] & 0xffc0) === 0xfec0) return 'private'; // site-local (deprecated)
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  if ((g[0] & 0xe000) !== 0x2000) return 'reserved'; // outside 2000::/3 global unicast (100::/64 discard too)
  return 'public';
}

/** An IP literal's family and range; null when `text` is not an IP address (a host name). */
export function classifyAddress(text: string): AddressClass | null {
  const v4 = parseIpv4(text);
  if (v4) return { family: 4, range: classifyIpv4(v4) };
  const v6 = parseIpv6(text);
  if (v6) return { family: 6, range: classifyIpv6(v6) };
  return null;
}
