import { describe, expect, it } from 'vitest';
import { corpusBytes, corpusFiles, fixture } from '../../../tests/helpers/producers.js';
import { walkIsolated } from '../../../tests/helpers/isolated-reader.js';

/** A small seeded PRNG (mulberry32) so a failing mutation can be reproduced from the printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  '<<',
  '>>',
  '[',
  ']',
  ' 0 R',
  'obj',
  'endobj',
  'stream',
  'endstream',
  'xref',
  'trailer',
  '/Prev 0',
  '/Length 999999',
  '%%EOF',
  '99999999999',
  '-1',
  '(',
  ')',
  '<',
  '/',
].map((t) => new Uint8Array(Buffer.from(t, 'latin1')));

/** One mutation of `src`: bit flips, byte runs, token splices, cuts and duplications, sometimes stacked. */
function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  let b = src.slice();
  const n = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(rnd() * b.length);
    switch (Math.floor(rnd() * 6)) {
      case 0: // flip bits
        for (let i = 0; i < 8; i++) b[Math.floor(rnd() * b.length)] ^= 1 << Math.floor(rnd() * 8);
        break;
      case 1: {
        // overwrite a run with one byte value
        const len = Math.floor(rnd() * 64);
        b.fill(Math.floor(rnd() * 256), at, at + len);
        break;
      }
      case 2: {
        // splice in a PDF token
        const t = TOKENS[Math.floor(rnd() * TOKENS.length)];
        b = new Uint8Array([...b.subarray(0, at), ...t, ...b.subarray(at)]);
        break;
      }
      case 3: // truncate
        b = b.slice(0, Math.max(16, at));
        break;
      case 4: {
        // delete a chunk
        const len = Math.floor(rnd() * 512);
        b = new Uint8Array([...b.subarray(0, at), ...b.subarray(at + len)]);
        break;
      }
      case 5: {
        // duplicate a chunk elsewhere
        const len = Math.floor(rnd() * 256);
        const to = Math.floor(rnd() * b.length);
        b = new Uint8Array([...b.subarray(0, to), ...b.subarray(at, at + len), ...b.subarray(to)]);
        break;
      }
    }
  }
  return b;
}

describe('mutation fuzzing', () => {
  const seed = Number(process.env.KYSO_FUZZ_SEED ?? Date.now() % 1_000_000);
  const perRun = Number(process.env.KYSO_FUZZ_COUNT ?? 400);

  it(`every mutated corpus or fixture file gets a document or a typed error (seed ${seed})`, async () => {
    const sources: [string, Uint8Array][] = [
      ...corpusFiles().map((f) => [f, corpusBytes(f)] as [string, Uint8Array]),
      ...[
        'hybrid-xref.pdf',
        'incremental-classic.pdf',
        'libreoffice-form.pdf',
        'qpdf-objstm.pdf',
        'qpdf-linearized.pdf',
      ].map((f) => [f, fixture(f)] as [string, Uint8Array]),
    ];
    const rnd = prng(seed);
    const jobs = Array.from({ length: perRun }, (_, i) => {
      const [name, bytes] = sources[i % sources.length];
      return { id: `${name}#${i}`, bytes: mutate(bytes, rnd) };
    });
    const results = await walkIsolated(jobs, 20_000, 768); // a hang guard, not a speed bound: the suite shares two cores;
    const bad = results.filter((r) => r.outcome !== 'read' && r.outcome !== 'error');
    if (bad.length) console.error(`fuzz seed ${seed}:`, bad.slice(0, 5));
    expect(bad).toEqual([]);
    expect(results).toHaveLength(jobs.length);
  }, 240_000);
});
