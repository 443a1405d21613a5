/**
 * `kyso verify FILE|DIR ... [--jobs N] [--json]`: many results at once (archives, one-stop systems). Folders are
 * walked for *.pdf files (sorted, recursively); every file gets one line, in the order given, whatever order the
 * workers finish in: with --json one JSON object per line (NDJSON: the single-file report plus `exit`, or `error`
 * for a file that could not be read), otherwise one human line, then a count. Files are validated --jobs at a time
 * (default the core count): in this thread and --jobs - 1 worker threads; large files are read in windows (FileSource).
 * Memory stays bounded: folders are walked lazily and at most a few files per worker are in flight or waiting.
 *
 * The exit code summarises all files, worst first: 1 any file TOTAL-FAILED or not checkable (not a readable PDF,
 * cannot be opened), else 2 any INDETERMINATE, else 3 any file without a signature, else 0.
 */
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ValidationReport } from '@kyso/verify';
import { EXIT, exitCodeFor as exitCodeForError } from '../exit-codes.js';
import { isKysoError } from '../kyso-error.js';
import { UsageError } from '../usage.js';
import { openPdf, validateOpened, batchContext, VERIFY_EXIT, type VerifyContext, type VerifyValues } from './verify.js';

/** One file's outcome: its own exit code (0/1/2/3, or 65/66/70 when it could not be checked) and its line. */
export interface FileOutcome {
  exit: number;
  line: string;
}

const PDF_NAME = /\.pdf$/i;

/** The files of a batch, lazily: each path as given, a folder's *.pdf files sorted by name, depth first. */
export function* batchFiles(paths: readonly string[]): Generator<string> {
  for (const p of paths) {
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      /* a missing path gets its own line (66) */
    }
    if (dir) yield* walk(p);
    else yield p;
  }
}

function* walk(dir: string): Generator<string> {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* walk(path);
    else if (PDF_NAME.test(e.name) && (e.isFile() || e.isSymbolicLink())) yield path;
  }
}

/** Worst first: a failed or uncheckable file, then INDETERMINATE, then no signature, then passed. */
const SEVERITY: readonly number[] = [
  VERIFY_EXIT.PASSED,
  VERIFY_EXIT.NO_SIGNATURE,
  VERIFY_EXIT.INDETERMINATE,
  VERIFY_EXIT.FAILED,
];

/** The batch's exit code from its files' codes (module comment). */
export function summaryExit(exits: Iterable<number>): number {
  let worst = 0;
  for (const e of exits) {
    const rank = SEVERITY.includes(e) ? SEVERITY.indexOf(e) : SEVERITY.length - 1;
    if (rank > worst) worst = rank;
  }
  return SEVERITY[worst]!;
}

const WORDS = {
  vi: { 0: 'hợp lệ', 1: 'không hợp lệ', 2: 'chưa xác định', 3: 'không có chữ ký' },
  en: { 0: 'valid', 1: 'invalid', 2: 'indeterminate', 3: 'no signature' },
} as const;

function humanLine(path: string, report: ValidationReport, exit: number, lang: 'vi' | 'en'): string {
  const word = WORDS[lang][exit as 0 | 1 | 2 | 3];
  const each = report.signatures.map((s) => (s.subIndication ? `${s.indication}/${s.subIndication}` : s.indication));
  return `${path}: ${word}${each.length ? ` (${each.join(', ')})` : ''}`;
}

/** Validates one file of a batch; never throws for the file's own faults (they are its line). */
export async function checkPath(path: string, ctx: VerifyContext): Promise<FileOutcome> {
  let pdf: Awaited<ReturnType<typeof openPdf>> | undefined;
  try {
    pdf = await openPdf(path);
    const checked = await validateOpened(pdf.input, path, ctx, ctx.json);
    return {
      exit: checked.exit,
      line: ctx.json ? checked.text : humanLine(path, checked.report, checked.exit, ctx.lang),
    };
  } catch (e) {
    return failure(path, e, ctx);
  } finally {
    pdf?.close();
  }
}

function failure(path: string, e: unknown, ctx: VerifyContext): FileOutcome {
  let exit: number;
  let error: { code: string; vi: string; en: string };
  const errno = e as NodeJS.ErrnoException;
  if (isKysoError(e)) {
    exit = exitCodeForError(e.code);
    error = { code: e.code, vi: e.messageVi, en: e.messageEn };
  } else if (typeof errno.code === 'string' && /^E[A-Z]+$/.test(errno.code)) {
    exit = EXIT.NO_INPUT;
    error = { code: errno.code, vi: `không mở được tệp (${errno.code})`, en: `cannot open the file (${errno.code})` };
  } else {
    exit = EXIT.SOFTWARE;
    error = { code: 'INTERNAL', vi: 'lỗi nội bộ', en: `internal error: ${(e as Error).message}` };
  }
  const line = ctx.json
    ? JSON.stringify({ file: path, exit, error })
    : `${path}: ${error.code} — ${ctx.lang === 'vi' ? error.vi : error.en}`;
  return { exit, line };
}

function parseJobs(value: string | undefined): number {
  if (value === undefined) return availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new UsageError(`--jobs wants a whole number from 1 to 256, got '${value}'`);
  return n;
}

/** Files dispatched ahead of the next line to print, per worker: enough to keep workers busy, bounded. */
const AHEAD_PER_JOB = 4;

export async function verifyBatch(
  values: VerifyValues,
  paths: readonly string[],
  out: (s: string) => void,
): Promise<number> {
  if (values.xml) throw new UsageError('--xml reports one file; use --json for several');
  const jobs = parseJobs(values.jobs);
  const ctx = await batchContext(values); // usage errors before any file is read
  const files = batchFiles(paths);
  const counts = new Map<number, number>();
  const emit = (o: FileOutcome): void => {
    out(o.line);
    counts.set(o.exit, (counts.get(o.exit) ?? 0) + 1);
  };
  if (jobs === 1) {
    for (const path of files) emit(await checkPath(path, ctx));
  } else {
    await inWorkers(files, jobs, values, ctx, emit);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total === 0) throw new UsageError('no PDF file in the given folders');
  if (!ctx.json) out(countLine(counts, total, ctx.lang));
  return summaryExit(counts.keys());
}

function countLine(counts: Map<number, number>, total: number, lang: 'vi' | 'en'): string {
  const n = (e: number) => counts.get(e) ?? 0;
  const unreadable = total - n(0) - n(1) - n(2) - n(3);
  return lang === 'vi'
    ? `${total} tệp: ${n(0)} hợp lệ, ${n(1)} không hợp lệ, ${n(2)} chưa xác định, ${n(3)} không có chữ ký, ${unreadable} không đọc được`
    : `${total} files: ${n(0)} valid, ${n(1)} invalid, ${n(2)} indeterminate, ${n(3)} no signature, ${unreadable} unreadable`;
}

interface Done extends FileOutcome {
  index: number;
}

/** Where a file is validated: this thread, or a worker. */
interface Runner {
  send(job: { index: number; path: string }): void;
}

/**
 * Spreads the files over `jobs` runners — this thread (the verifier is already loaded here) and `jobs - 1` worker
 * threads — and emits the outcomes in the files' order.
 */
function inWorkers(
  files: Iterator<string>,
  jobs: number,
  values: VerifyValues,
  ctx: VerifyContext,
  emit: (o: FileOutcome) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const idle: Runner[] = [];
    const waiting = new Map<number, FileOutcome>();
    let dispatched = 0;
    let printed = 0;
    let exhausted = false;
    let failed = false;
    const finish = (e?: unknown): void => {
      if (failed) return;
      if (e !== undefined) failed = true;
      for (const w of workers) void w.terminate();
      if (e !== undefined) reject(e);
      else resolve();
    };
    const feed = (): void => {
      while (idle.length && !exhausted && dispatched < printed + jobs * AHEAD_PER_JOB) {
        const next = files.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        idle.pop()!.send({ index: dispatched++, path: next.value });
      }
      if (exhausted && printed === dispatched) finish();
    };
    const done = (runner: Runner, m: Done): void => {
      if (failed) return;
      waiting.set(m.index, m);
      idle.push(runner);
      for (let o = waiting.get(printed); o; o = waiting.get(printed)) {
        waiting.delete(printed++);
        emit(o);
      }
      feed();
    };
    const local: Runner = {
      send: (job) => void checkPath(job.path, ctx).then((o) => done(local, { index: job.index, ...o }), finish),
    };
    idle.push(local);
    const url = new URL('./verify-worker.js', import.meta.url);
    for (let i = 1; i < jobs; i++) {
      const w = new Worker(url, { workerData: { values } });
      const runner: Runner = { send: (job) => w.postMessage(job) };
      w.on('message', (m: Done) => done(runner, m));
      w.on('error', finish);
      w.on('exit', (code) => {
        if (code !== 0 && !failed && !(exhausted && printed === dispatched))
          finish(new Error(`a verification worker stopped (exit ${code})`));
      });
      workers.push(w);
      idle.push(runner);
    }
    feed();
  });
}
