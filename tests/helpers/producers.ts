/**
 * Input PDFs from several real producers, made at test time (pdf-lib, qpdf) or committed (tests/fixtures: LibreOffice,
 * hand-built hybrid and incremental files), plus the public corpus.
 */
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const fixturesDir = join(repoRoot, 'tests', 'fixtures');
export const corpusDir = join(repoRoot, 'tests', 'fixtures', 'corpus');

export interface Sample {
  name: string;
  bytes: Uint8Array;
  /** What kind of cross-reference data the file ends with. */
  style: 'table' | 'stream' | 'hybrid' | 'any';
}

export async function pdfLibDoc(opts: { pages?: number; objectStreams: boolean; text?: string }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  for (let i = 0; i < (opts.pages ?? 1); i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(opts.text ?? `kyso test page ${i + 1}`, { x: 72, y: 760, size: 14, font, color: rgb(0, 0, 0) });
  }
  doc.setTitle('kyso fixture');
  doc.setProducer('pdf-lib');
  // Fixed dates keep the bytes stable between runs.
  doc.setCreationDate(new Date('2026-01-01T00:00:00Z'));
  doc.setModificationDate(new Date('2026-01-01T00:00:00Z'));
  return doc.save({ useObjectStreams: opts.objectStreams });
}

let tmp: string | undefined;
function tmpDir(): string {
  tmp ??= mkdtempSync(join(tmpdir(), 'kyso-producers-'));
  return tmp;
}

/** Runs qpdf with `args` over `input`, returning the output file's bytes. */
export function qpdfTransform(input: Uint8Array, args: string[]): Uint8Array {
  const d = tmpDir();
  const id = Math.random().toString(36).slice(2);
  const inp = join(d, `${id}-in.pdf`);
  const out = join(d, `${id}-out.pdf`);
  writeFileSync(inp, input);
  try {
    execFileSync('qpdf', [...args, inp, out], { stdio: 'pipe' });
  } catch (e) {
    // qpdf exits 3 for warnings; the output is still written
    if ((e as { status?: number }).status !== 3) throw e;
  }
  return new Uint8Array(readFileSync(out));
}

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(fixturesDir, name)));
}

export function hasFixture(name: string): boolean {
  return existsSync(join(fixturesDir, name));
}

/** Every producer sample that is a well-formed, unencrypted PDF. */
export async function producerSamples(): Promise<Sample[]> {
  const plain = await pdfLibDoc({ pages: 3, objectStreams: false });
  const objstm = await pdfLibDoc({ pages: 3, objectStreams: true });
  const samples: Sample[] = [
    { name: 'pdf-lib (classic xref)', bytes: plain, style: 'table' },
    { name: 'pdf-lib (object streams)', bytes: objstm, style: 'stream' },
    {
      name: 'qpdf --object-streams=generate',
      bytes: qpdfTransform(plain, ['--object-streams=generate']),
      style: 'stream',
    },
    { name: 'qpdf --linearize', bytes: qpdfTransform(plain, ['--linearize']), style: 'table' },
    {
      name: 'qpdf --linearize --object-streams=generate',
      bytes: qpdfTransform(plain, ['--linearize', '--object-streams=generate']),
      style: 'stream',
    },
  ];
  for (const [file, style] of [
    ['libreoffice-vi.pdf', 'any'],
    ['libreoffice-form.pdf', 'any'],
    ['hybrid-xref.pdf', 'hybrid'],
    ['incremental-classic.pdf', 'table'],
    ['ghostscript.pdf', 'any'],
    ['cairo.pdf', 'any'],
  ] as const) {
    if (hasFixture(file)) samples.push({ name: file, bytes: fixture(file), style });
  }
  return samples;
}

/** The corpus rows: path relative to the corpus, and the expected verdicts. */
export interface CorpusRow {
  path: string;
  expected: string;
  trustRoot: string;
  validationTime: string;
}

export function corpusRows(): CorpusRow[] {
  const tsv = readFileSync(join(corpusDir, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  return tsv.slice(1).map((line) => {
    const [path, , expected, trustRoot, validationTime] = line.split('\t');
    return { path, expected, trustRoot, validationTime };
  });
}

export function corpusFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.pdf')) out.push(relative(corpusDir, p));
    }
  };
  walk(corpusDir);
  return out.sort();
}

export const corpusBytes = (rel: string): Uint8Array => new Uint8Array(readFileSync(join(corpusDir, rel)));
export { dirname };
