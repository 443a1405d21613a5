import { afterAll, describe, expect, it } from 'vitest';
import { chunksOf, PdfDocument } from '@kyso/pdf';
import { FileSource } from '@kyso/core';
import { corpusBytes, corpusDir } from '../../../tests/helpers/producers.js';
import { join } from 'node:path';
import { scratch } from '../../../tests/helpers/tools.js';

const tmp = scratch('kyso-fs-');
afterAll(() => tmp.cleanup());

describe('FileSource', () => {
  it('reads a PDF from disk to the same revisions and objects as from memory', () => {
    const rel = 'dss/pades-signed-filled-form.pdf';
    const src = new FileSource(join(corpusDir, rel));
    try {
      const a = PdfDocument.load(src);
      const b = PdfDocument.load(corpusBytes(rel));
      expect(a.revisions.map((r) => [r.start, r.end, r.kind])).toEqual(
        b.revisions.map((r) => [r.start, r.end, r.kind]),
      );
      expect(a.pages().length).toBe(b.pages().length);
      expect(a.unreferencedObjects()).toEqual(b.unreferencedObjects());
    } finally {
      src.close();
    }
  });

  it('serves reads across window boundaries and past the end', () => {
    const bytes = new Uint8Array(200_000).map((_, i) => i & 0xff);
    const src = new FileSource(tmp.file('bytes.bin', bytes));
    expect(Buffer.from(src.read(65_530, 65_546))).toEqual(Buffer.from(bytes.subarray(65_530, 65_546)));
    expect(Buffer.from(src.read(10, 150_000)).equals(bytes.subarray(10, 150_000))).toBe(true);
    expect(src.read(199_990, 300_000).length).toBe(10);
    expect(src.read(300_000, 300_010).length).toBe(0);
    src.close();
    expect(() => src.read(0, 1)).toThrow();
  });

  it('hands out consecutive pieces of at most 1 MiB that together are the bytes asked for (chunksOf)', () => {
    const bytes = new Uint8Array(2_500_000).map((_, i) => (i * 7) & 0xff);
    const src = new FileSource(tmp.file('chunks.bin', bytes));
    try {
      const collect = (start: number, end: number) => {
        const parts: Uint8Array[] = [];
        for (const piece of chunksOf(src, start, end)) {
          expect(piece.length).toBeLessThanOrEqual(1 << 20);
          parts.push(piece.slice()); // each piece is valid only until the next
        }
        return Buffer.concat(parts);
      };
      // Buffer.equals, not toEqual: a deep comparison of megabytes element by element takes seconds
      expect(collect(0, bytes.length).equals(bytes)).toBe(true);
      expect(collect(123, 2_000_001).equals(bytes.subarray(123, 2_000_001))).toBe(true);
      expect(collect(2_400_000, 9_000_000).equals(bytes.subarray(2_400_000))).toBe(true);
      expect(collect(5, 5).length).toBe(0);
    } finally {
      src.close();
    }
  });
});
