/**
 * A source that hashes by itself (a FileSource with its hash thread): the validation uses its digest, and a file
 * changed after signing still fails — the thread's digest is compared like any other. A source that cannot hash
 * (its promise rejects) leaves the validation to hash the pieces itself, to the same report.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BytesSource, type ByteSource, type DigestName } from '@kyso/pdf';
import { FileSource } from '@kyso/core';
import { validatePdf } from '@kyso/verify';
import { scratch } from '../../../tests/helpers/tools.js';
import { ROOT_PEM, kysoSign, plainPdf, verdictOf } from '../../verify/test/helpers/signed-pdfs.js';

const tmp = scratch('kyso-source-digest-');
let signed: Uint8Array;
beforeAll(async () => {
  signed = await kysoSign(await plainPdf({ pages: 2, text: 'Giay chung nhan' }));
});
afterAll(() => tmp.cleanup());

const at = new Date();
const check = (input: Uint8Array | ByteSource) => validatePdf(input, { trustAnchors: [ROOT_PEM], at });

/** A FileSource that counts the digests its thread gave. */
class ThreadSource extends FileSource {
  given = 0;
  override digestRanges(algorithm: DigestName, ranges: ReadonlyArray<readonly [number, number]>) {
    const d = super.digestRanges(algorithm, ranges);
    if (d) this.given++;
    return d;
  }
}

/** A source in memory whose own digests are counted, or refused. */
class CountingSource extends BytesSource {
  asked: string[] = [];
  constructor(
    bytes: Uint8Array,
    private readonly refuse: boolean,
  ) {
    super(bytes);
  }
  digestRanges(algorithm: DigestName, ranges: ReadonlyArray<readonly [number, number]>): Promise<Uint8Array> {
    this.asked.push(`${algorithm} ${ranges.join(' ')}`);
    return Promise.reject(new Error(this.refuse ? 'no thread here' : 'unused'));
  }
}

describe('validation over a source that hashes by itself', () => {
  it('a signed file read through a FileSource hashing in its thread validates as from memory', async () => {
    const path = join(tmp.dir, 'signed.pdf');
    writeFileSync(path, signed);
    const src = new ThreadSource(path, { hashThread: { fromBytes: 1 } });
    try {
      const [fromFile, fromMemory] = [await check(src), await check(signed)];
      expect(fromFile.signatures.map(verdictOf)).toEqual(['TOTAL-PASSED/-']);
      expect(fromFile.signatures).toEqual(fromMemory.signatures);
      expect(src.given).toBeGreaterThan(0);
    } finally {
      src.close();
    }
  });

  it('a covered byte changed after signing fails through the thread too (HASH_MISMATCH)', async () => {
    const forged = signed.slice();
    const i = Buffer.from(forged).indexOf('/MediaBox');
    forged[i + 2] = forged[i + 2] === 0x65 ? 0x45 : 0x65; // /MediaBox → /MeDiaBox: covered, outside /Contents
    const path = join(tmp.dir, 'forged.pdf');
    writeFileSync(path, forged);
    const src = new ThreadSource(path, { hashThread: { fromBytes: 1 } });
    try {
      const report = await check(src);
      expect(report.signatures[0]?.indication).toBe('TOTAL-FAILED');
      expect(report.signatures[0]?.intact).toBe(false);
      expect(src.given).toBeGreaterThan(0);
      expect(JSON.stringify(report.signatures[0]?.reasons)).toMatch(/HASH_MISMATCH/);
    } finally {
      src.close();
    }
  });

  it('a source that cannot hash leaves the hashing to the validation, to the same report', async () => {
    const src = new CountingSource(signed, true);
    const report = await check(src);
    expect(src.asked.length).toBeGreaterThan(0);
    expect(src.asked[0]).toMatch(/^SHA-256 0,\d+ \d+,\d+$/);
    expect(report.signatures).toEqual((await check(signed)).signatures);
  });
});
