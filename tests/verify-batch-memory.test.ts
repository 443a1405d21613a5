/**
 * `kyso verify DIR` over large files: each file of 16 MiB or more is read in windows (FileSource), never whole, and
 * the batch's memory does not grow with the number of files. Measured as the process's peak RSS (VmHWM, all its
 * threads), read by a preload in the command's own process: eight files of 64 MiB, then twenty-four (hard links to
 * one signed file, so the disk holds it once). Measured here: ~90 and ~105 MB; 192 files of 50 MB: ~145 MB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runKyso } from './helpers/cli.js';
import { largePdf } from './helpers/large-pdf.js';
import { repoRoot } from './helpers/producers.js';
import { scratch } from './helpers/tools.js';
import { kysoSign } from '../packages/verify/test/helpers/signed-pdfs.js';

const ROOT = join(repoRoot, 'test-certs/root-ca.pem');
const FILE_MB = 64;
const tmp = scratch('kyso-verify-batch-memory-');
afterAll(() => tmp.cleanup());

// Loaded with -r into the command's process (and its worker threads, where it does nothing): prints the peak RSS
// of the process's own memory, VmHWM (getrusage's maxRSS is no use here: Linux keeps across exec the peak of the
// forked copy of this test's process).
const PEAK = tmp.file(
  'peak-rss.cjs',
  new TextEncoder().encode(
    "if (require('node:worker_threads').isMainThread) process.on('exit', () => { const fs = require('node:fs');" +
      " const kb = /VmHWM:\\s*(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1];" +
      ' fs.writeSync(2, `\\npeak-rss-kb=${kb}\\n`); });\n',
  ),
);

function folderOf(count: number, signed: string): string {
  const dir = join(tmp.dir, `batch-${count}`);
  mkdirSync(dir);
  for (let i = 0; i < count; i++) linkSync(signed, join(dir, `result-${String(i).padStart(2, '0')}.pdf`));
  return dir;
}

let eight = '';
let twentyFour = '';

beforeAll(async () => {
  const signed = join(tmp.dir, 'signed.pdf');
  writeFileSync(signed, await kysoSign(largePdf(FILE_MB << 20), {}));
  eight = folderOf(8, signed);
  twentyFour = folderOf(24, signed);
}, 60_000);

interface Batch {
  peakMb: number;
  lines: { exit: number; signatures: { indication: string }[] }[];
}

async function batch(dir: string): Promise<Batch> {
  const r = await runKyso(['verify', dir, '--json', '--jobs', '2', '--trust', ROOT], {
    timeoutMs: 120_000,
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} -r ${PEAK}`.trim() },
  });
  const peak = /peak-rss-kb=(\d+)/.exec(r.stderr);
  expect(peak, r.stderr).not.toBeNull();
  expect(r.code, r.stderr).toBe(0);
  return {
    peakMb: Number(peak![1]) / 1024,
    lines: r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Batch['lines'][number]),
  };
}

describe('kyso verify DIR: large files', () => {
  it('every file passes; the peak stays below what holding the files in flight would take, and does not grow with their number', async () => {
    const few = await batch(eight);
    const many = await batch(twentyFour);
    for (const [b, n] of [
      [few, 8],
      [many, 24],
    ] as const) {
      expect(b.lines).toHaveLength(n);
      for (const l of b.lines) expect([l.exit, l.signatures[0]!.indication]).toEqual([0, 'TOTAL-PASSED']);
    }
    // The process and the verifier's two threads take ~90 MB of their own; two files read whole, one per thread,
    // would add 128 MB; windows add a few MiB per file.
    expect(few.peakMb).toBeLessThan(90 + FILE_MB);
    // Three times the files: the peak moves by less than one file's size (a file kept would be a whole one).
    expect(Math.abs(many.peakMb - few.peakMb)).toBeLessThan(FILE_MB);
    console.log(`peak RSS: 8 files ${few.peakMb.toFixed(1)} MB, 24 files ${many.peakMb.toFixed(1)} MB`);
  }, 240_000);
});
