import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSource } from '@kyso/core';
import { scratch } from '../../../tests/helpers/tools.js';

const tmp = scratch('kyso-hash-thread-');
afterAll(() => tmp.cleanup());

const bytes = new Uint8Array(3_000_000).map((_, i) => (i * 31 + (i >> 9)) & 0xff);
const here = (alg: string, ranges: Array<[number, number]>) => {
  const h = createHash(alg);
  for (const [s, l] of ranges) h.update(bytes.subarray(s, s + l));
  return Buffer.from(h.digest()).toString('hex');
};
const hex = (d: Uint8Array) => Buffer.from(d).toString('hex');

describe('FileSource: hashing in a thread of its own', () => {
  it('gives the digest of the ranges, in order, as hashing them here does (SHA-1/256/384/512)', async () => {
    const src = new FileSource(tmp.file('a.bin', bytes), { hashThread: { fromBytes: 1 } });
    try {
      const ranges: Array<[number, number]> = [
        [0, 1_234_567],
        [2_000_000, 1_000_000],
      ];
      for (const [name, node] of [
        ['SHA-1', 'sha1'],
        ['SHA-256', 'sha256'],
        ['SHA-384', 'sha384'],
        ['SHA-512', 'sha512'],
      ] as const)
        expect(hex((await src.digestRanges(name, ranges))!)).toBe(here(node, ranges));
      // an empty range and ranges out of order are hashed as given
      const odd: Array<[number, number]> = [
        [5, 0],
        [2_999_000, 1000],
        [0, 10],
      ];
      expect(hex((await src.digestRanges('SHA-256', odd))!)).toBe(here('sha256', odd));
    } finally {
      src.close();
    }
  });

  it('offers nothing without the option, below its size or for another algorithm', () => {
    const path = tmp.file('b.bin', bytes);
    const plain = new FileSource(path);
    const small = new FileSource(path, { hashThread: { fromBytes: bytes.length + 1 } });
    const big = new FileSource(path, { hashThread: { fromBytes: 1 } });
    try {
      expect(plain.digestRanges('SHA-256', [[0, 10]])).toBeUndefined();
      expect(small.digestRanges('SHA-256', [[0, 10]])).toBeUndefined();
      expect(big.digestRanges('SHA-3' as 'SHA-256', [[0, 10]])).toBeUndefined();
    } finally {
      plain.close();
      small.close();
      big.close();
    }
  });

  it('rejects a range past the end of the file (the caller then hashes what is there) and after close', async () => {
    const src = new FileSource(tmp.file('c.bin', bytes), { hashThread: { fromBytes: 1 } });
    await expect(src.digestRanges('SHA-256', [[bytes.length - 10, 20]])!).rejects.toThrow(/ended/);
    const pending = src.digestRanges('SHA-256', [[0, bytes.length]])!;
    src.close();
    await expect(pending).rejects.toThrow(/stopped/);
    expect(() => src.digestRanges('SHA-256', [[0, 10]])).not.toThrow();
    expect(src.digestRanges('SHA-256', [[0, 10]])).toBeUndefined();
  });
});
