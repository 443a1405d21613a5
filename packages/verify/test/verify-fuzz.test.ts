/**
 * Mutation fuzzing of validatePdf: the 46 corpus files (with their trust roots and validation times) and a few files
 * kyso signs here (B-B, certified, two signatures, ECDSA, B-T) are mutated — bits, signature-aware edits of the
 * numbers after /ByteRange, /Prev, startxref and /Length, hex digits inside /Contents, cross-overs between files,
 * cuts, duplicated tails — and each result is validated in a worker thread with a 20 s watchdog (a hang guard: the
 * whole suite shares two cores, so a slow-but-finite mutant must not read as a hang) and a heap cap.
 * Every file must end in a well-formed report or a typed KysoError: no crash, no hang, no memory blow-up; and read
 * in windows (as a FileSource reads a file on disk) it must end exactly as it does from memory.
 *
 * Seeded and bounded: KYSO_VERIFY_FUZZ_SEED reproduces a run (the seed is in the test's name and printed on
 * failure), KYSO_VERIFY_FUZZ_COUNT sets how many mutations (default 300).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { PdfDocument, PdfRef, PdfStream } from '@kyso/pdf';
import { tsaTimestamper } from '@kyso/core';
import { startTsa, type TsaServer } from '../../../tests/helpers/pki-servers.js';
import { validateIsolated, type ValidationJob } from './helpers/isolated-validator.js';
import { ROOT_PEM, bytesOf, concat, kysoSign, latin1, plainPdf } from './helpers/signed-pdfs.js';

const CORPUS = fileURLToPath(new URL('../../../tests/fixtures/corpus', import.meta.url));

interface Source {
  name: string;
  bytes: Uint8Array;
  anchors: string[];
  at?: string;
}

/** xorshift32: small, seeded, and the same sequence on every machine. */
function random(seed: number): { next: () => number; int: (n: number) => number; pick: <T>(xs: readonly T[]) => T } {
  let x = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)] };
}

type Rng = ReturnType<typeof random>;

/** Tokens whose following bytes the validator depends on most. */
const ANCHORS = [
  '/ByteRange',
  '/Contents',
  'startxref',
  '/Prev',
  '/Length',
  '/Size',
  '/V ',
  '/Perms',
  '/DocMDP',
  '/Reference',
  '/Fields',
  '/Kids',
  'xref',
  '/SubFilter',
  ' obj',
  '/P ',
];
const NUMBERS = ['0', '-1', '1', '99999999999', '2147483648', '1e9', '0.5', '', '[', 'null', '<<>>', '4294967295'];

function occurrences(text: string, token: string): number[] {
  const out: number[] = [];
  for (let at = text.indexOf(token); at >= 0 && out.length < 64; at = text.indexOf(token, at + 1)) out.push(at);
  return out;
}

function splice(b: Uint8Array, at: number, remove: number, insert: Uint8Array | string): Uint8Array {
  return concat(
    b.subarray(0, at),
    typeof insert === 'string' ? bytesOf(insert) : insert,
    b.subarray(Math.min(b.length, at + remove)),
  );
}

/** One mutant of `src` (one to three stacked edits); `other` feeds the cross-overs. */
function mutate(src: Uint8Array, other: Uint8Array, rng: Rng): Uint8Array {
  let b = src;
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const text = latin1(b);
    switch (rng.int(8)) {
      case 0: {
        // a few random bit flips anywhere
        b = b.slice();
        for (let i = 1 + rng.int(6); i > 0; i--) b[rng.int(b.length)] ^= 1 << rng.int(8);
        break;
      }
      case 1: {
        // the number (or array) after an anchor token replaced by a hostile value
        const token = rng.pick(ANCHORS);
        const hits = occurrences(text, token);
        if (!hits.length) break;
        const start = rng.pick(hits) + token.length;
        const m = /^[\s[]*-?[\d.]+/.exec(text.slice(start, start + 32));
        b = splice(b, start, m ? m[0].length : 0, ` ${rng.pick(NUMBERS)}`);
        break;
      }
      case 2: {
        // hex digits inside a /Contents string changed: a damaged CMS
        const hits = occurrences(text, '/Contents');
        if (!hits.length) break;
        const lt = text.indexOf('<', rng.pick(hits));
        if (lt < 0) break;
        b = b.slice();
        for (let i = 1 + rng.int(8); i > 0; i--)
          b[lt + 1 + rng.int(Math.min(6000, b.length - lt - 2))] = '0123456789ABCDEF'.charCodeAt(rng.int(16));
        break;
      }
      case 3: {
        // cross-over: a chunk of another file in place of a chunk of this one
        const len = 1 + rng.int(2048);
        const from = rng.int(Math.max(1, other.length - len));
        b = splice(b, rng.int(b.length), rng.int(len), other.subarray(from, from + len));
        break;
      }
      case 4: // truncated
        b = b.slice(0, 16 + rng.int(Math.max(1, b.length - 16)));
        break;
      case 5: {
        // the last update duplicated (a second, identical revision) or its xref re-appended
        const x = text.lastIndexOf(rng.next() < 0.5 ? 'xref' : 'trailer');
        if (x >= 0) b = concat(b, '\n', b.subarray(x));
        break;
      }
      case 6: {
        // a run of bytes overwritten with one value
        b = b.slice();
        b.fill(rng.int(256), rng.int(b.length), rng.int(b.length));
        break;
      }
      case 7: {
        // a chunk deleted
        b = splice(b, rng.int(b.length), 1 + rng.int(1024), '');
        break;
      }
    }
  }
  return b;
}

function corpusSources(): Source[] {
  return readFileSync(`${CORPUS}/MANIFEST.tsv`, 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => {
      const [path, , , root, time] = line.split('\t');
      return {
        name: path,
        bytes: new Uint8Array(readFileSync(`${CORPUS}/${path}`)),
        anchors: root === 'none' ? [] : [readFileSync(`${CORPUS}/${root}`, 'utf8')],
        at: time === 'now' ? undefined : time,
      };
    });
}

/** What the pages show: each page's decoded content streams, as of the newest revision. */
function pageContents(bytes: Uint8Array): string[] {
  const doc = PdfDocument.load(bytes);
  return doc.pages().map(({ dict }) => {
    const c = dict.get('Contents');
    return (Array.isArray(c) ? c : [c])
      .map((r) => doc.resolve(r instanceof PdfRef ? r : undefined))
      .map((s) => (s instanceof PdfStream ? latin1(doc.decode(s)) : ''))
      .join('\n');
  });
}

let tsa: TsaServer;
const kysoSources: Source[] = [];

beforeAll(async () => {
  tsa = await startTsa();
  const input = await plainPdf({ pages: 2 });
  const approval = await kysoSign(input, { reason: 'Phê duyệt' });
  const made: [string, Uint8Array][] = [
    ['kyso/b-b.pdf', approval],
    ['kyso/certified-p2.pdf', await kysoSign(input, { certify: 2, visible: { page: 1, rect: [300, 40, 200, 60] } })],
    ['kyso/two-signatures.pdf', await kysoSign(approval, { p12: 'seal.p12' })],
    ['kyso/ecdsa.pdf', await kysoSign(input, { p12: 'signer-ec.p12' })],
    ['kyso/b-t.pdf', await kysoSign(input, { level: 'B-T', timestamper: tsaTimestamper(tsa.url) })],
  ];
  for (const [name, bytes] of made) kysoSources.push({ name, bytes, anchors: [ROOT_PEM] });
});
afterAll(async () => {
  await tsa?.stop();
});

describe('validatePdf under mutation fuzzing', () => {
  const seed = Number(process.env.KYSO_VERIFY_FUZZ_SEED ?? Date.now() % 1_000_000);
  const count = Number(process.env.KYSO_VERIFY_FUZZ_COUNT ?? 300);

  it(`every mutant gets a well-formed report or a typed KysoError, within 20 s and 512 MB (seed ${seed}, ${count} mutants)`, async () => {
    const sources = [...corpusSources(), ...kysoSources];
    expect(sources).toHaveLength(46 + 5);
    const rng = random(seed);
    // Every source gets mutants; the kyso-signed files (the ones we know best) get a double share.
    const order = [...sources, ...kysoSources];
    const jobs: ValidationJob[] = Array.from({ length: count }, (_, i) => {
      const src = order[i % order.length];
      return {
        id: `${src.name}#${i}`,
        bytes: mutate(src.bytes, rng.pick(sources).bytes, rng),
        anchors: src.anchors,
        at: src.at,
      };
    });
    const outcomes = await validateIsolated(jobs, { perFileMs: 20_000, memoryMb: 512 });
    const bad = outcomes.filter((o) => o.outcome !== 'report' && o.outcome !== 'error');
    if (bad.length)
      console.error(`verify fuzz: seed ${seed} (KYSO_VERIFY_FUZZ_SEED=${seed} reproduces it)`, bad.slice(0, 5));
    expect(bad).toEqual([]);
    expect(outcomes.map((o) => o.id)).toEqual(jobs.map((j) => j.id));
    // A mutant of a kyso-signed file that still passes must show the same pages as the file that was signed.
    const bySource = new Map(kysoSources.map((k) => [k.name, k.bytes]));
    const passedButChanged = outcomes.flatMap((o, i) => {
      const original = bySource.get(o.id.replace(/#\d+$/, ''));
      if (!original || o.outcome !== 'report' || !o.signatures || o.passed !== o.signatures) return [];
      let same: boolean;
      try {
        same = JSON.stringify(pageContents(jobs[i].bytes)) === JSON.stringify(pageContents(original));
      } catch {
        same = false;
      }
      return same ? [] : [o.id];
    });
    if (passedButChanged.length)
      console.error(`verify fuzz: seed ${seed}: TOTAL-PASSED with other page content`, passedButChanged);
    expect(passedButChanged).toEqual([]);
    // The mutants exercise both ends: many still reach a verdict per signature, some are not PDFs any more.
    const reports = outcomes.filter((o) => o.outcome === 'report');
    expect(reports.length).toBeGreaterThan(count / 2);
    expect(reports.filter((o) => (o.signatures ?? 0) > 0).length).toBeGreaterThan(count / 4);
  }, 180_000);

  it('the isolation itself works: a file that is fine validates, a non-PDF is a typed error', async () => {
    const [ok, notPdf] = await validateIsolated([
      { id: 'b-b', bytes: kysoSources[0].bytes, anchors: [ROOT_PEM] },
      { id: 'text', bytes: bytesOf('not a pdf at all\n'), anchors: [] },
    ]);
    expect(ok).toMatchObject({ id: 'b-b', outcome: 'report', signatures: 1, passed: 1 });
    expect(notPdf.outcome).toBe('error');
    expect(notPdf.code).toMatch(/^PDF_/);
  });
});
