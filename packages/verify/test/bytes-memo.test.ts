import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BytesMemo } from '../src/revocation/bytes-memo.js';
import { parseCrl } from '../src/revocation/crl.js';

// The parse of an OCSP response or a CRL is kept by its exact bytes; a verdict never is.
describe('BytesMemo', () => {
  it('computes once for the same bytes, whatever array holds them, and apart for different bytes', () => {
    const memo = new BytesMemo<number>(8, 1024);
    let made = 0;
    const make = () => ++made;
    expect(memo.get(Uint8Array.of(1, 2, 3), make)).toBe(1);
    expect(memo.get(Uint8Array.of(1, 2, 3), make)).toBe(1);
    expect(memo.get(Uint8Array.of(1, 2, 4), make)).toBe(2);
    expect(memo.get(new Uint8Array([9, 1, 2, 3]).subarray(1), make)).toBe(1);
    expect(made).toBe(2);
  });

  it('keeps its own copy of the bytes: changing the caller’s array afterwards does not change what matches', () => {
    const memo = new BytesMemo<string>(8, 1024);
    const bytes = Uint8Array.of(5, 6, 7);
    memo.get(bytes, () => 'first');
    bytes[0] = 0;
    expect(memo.get(Uint8Array.of(5, 6, 7), () => 'again')).toBe('first');
    expect(memo.get(bytes, () => 'changed')).toBe('changed');
  });

  it('does not keep inputs over its size bound, and starts over when full', () => {
    const memo = new BytesMemo<number>(2, 4);
    let made = 0;
    const make = () => ++made;
    memo.get(new Uint8Array(5), make);
    memo.get(new Uint8Array(5), make);
    expect(made).toBe(2);
    memo.get(Uint8Array.of(1), make); // 3
    memo.get(Uint8Array.of(2), make); // 4, full
    memo.get(Uint8Array.of(3), make); // 5, cleared first
    expect(memo.get(Uint8Array.of(3), make)).toBe(5);
    expect(memo.get(Uint8Array.of(1), make)).toBe(6);
  });

  it('a throwing parse keeps nothing', () => {
    const memo = new BytesMemo<number>(8, 1024);
    expect(() =>
      memo.get(Uint8Array.of(1), () => {
        throw new Error('bad');
      }),
    ).toThrow('bad');
    expect(memo.get(Uint8Array.of(1), () => 7)).toBe(7);
  });
});

describe('a CRL read twice', () => {
  it('gives equal facts in objects of its own (one caller changing its bytes does not reach the next)', () => {
    const pem = readFileSync(new URL('../../../test-certs/crl.pem', import.meta.url));
    const a = parseCrl(pem);
    a.der[0] = 0;
    a.issuer[0] = 0;
    const b = parseCrl(pem);
    expect(b).not.toBe(a);
    expect(b.der[0]).toBe(0x30);
    expect(b.issuer[0]).toBe(0x30);
    expect(b.thisUpdate).toEqual(a.thisUpdate);
  });
});

describe('framed keys', () => {
  it('the same bytes split otherwise are another key: a memo keyed by framed parts never confuses them', async () => {
    const { framed } = await import('../src/revocation/bytes.js');
    const memo = new BytesMemo<string>(8);
    memo.keep(framed(Uint8Array.of(1, 2), Uint8Array.of(3)), 'a');
    expect(memo.find(framed(Uint8Array.of(1), Uint8Array.of(2, 3)))).toBeUndefined();
    expect(memo.find(framed(Uint8Array.of(1, 2, 3)))).toBeUndefined();
    expect(memo.find(framed(Uint8Array.of(1, 2), Uint8Array.of(3)))?.value).toBe('a');
  });
});
