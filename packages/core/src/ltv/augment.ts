/**
 * Augmenting signed PDFs (EU DSS's extendDocument): to B-T, B-LT or B-LTA, for every signature of the file or the
 * named ones, by appending incremental updates only — earlier signatures stay valid byte for byte.
 *
 * - B-T: the CMS of an existing signature cannot change (its /Contents is fixed by the signature itself), so a
 *   signature without a signature timestamp gets its proof of existence from a document timestamp over the file.
 * - B-LT: that, when needed, then the DSS with the chains and revocation data of every signature and timestamp.
 * - B-LTA: the DSS, then a new document timestamp over everything. On a B-LTA file this is the archive-timestamp
 *   renewal: the DSS gains the data for the previous document timestamp's TSA chain, and a new one covers it.
 */
import { closeSync, copyFileSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { PdfDocument, type ByteSource, toSource } from '@kyso/pdf';
import { FileSource } from '../io/file-source.js';
import { docTimestampUpdate } from '../signing/doc-timestamp.js';
import { SignError } from '../signing/errors.js';
import type { TimestampProvider } from '../signing/finish.js';
import type { HashAlgorithm } from '../signing/signer.js';
import { ChainedSource } from './chained-source.js';
import { buildDssUpdate } from './dss.js';
import { LtvError } from './errors.js';
import { gatherValidationData, type CertificateReport, type GatherOptions } from './gather.js';
import { existingSignatures } from './signatures.js';
import type { SigningWarning } from '../signing/warnings.js';

export type ExtendLevel = 'B-T' | 'B-LT' | 'B-LTA';

export interface ExtendOptions extends GatherOptions {
  level: ExtendLevel;
  /** The TSA for document timestamps (B-LTA always; B-T and B-LT when a signature has no timestamp). */
  timestamper?: TimestampProvider;
  /** Hash of the document timestamps' imprint (default SHA-256). */
  hash?: HashAlgorithm;
  /** Only these signature fields (default: every signature and document timestamp of the file). */
  fields?: string[];
  /** Bytes reserved for each document timestamp token (default: probed from the TSA). */
  docTimestampBytes?: number;
}

export interface ExtendReport {
  level: ExtendLevel;
  /** What was appended, in order. */
  added: ('doc-timestamp' | 'dss')[];
  /** The new document timestamps' field names. */
  timestampFields: string[];
  signatures: { fieldName: string; kind: string; vriKey: string }[];
  certificates: CertificateReport[];
  warnings: SigningWarning[];
}

export interface Extended {
  /** The updates to append to the input, in order. */
  updates: Uint8Array[];
  report: ExtendReport;
}

const LEVELS: readonly ExtendLevel[] = ['B-T', 'B-LT', 'B-LTA'];

/** Computes the updates that take the document in `source` to `options.level`. The source is only read. */
export async function extendUpdates(input: Uint8Array | ByteSource, options: ExtendOptions): Promise<Extended> {
  if (!LEVELS.includes(options.level))
    throw new LtvError('LTV_BAD_OPTIONS', { level: options.level }, `level must be ${LEVELS.join(', ')}`);
  const base = toSource(input);
  const updates: Uint8Array[] = [];
  const report: ExtendReport = {
    level: options.level,
    added: [],
    timestampFields: [],
    signatures: [],
    certificates: [],
    warnings: [],
  };
  const current = (): PdfDocument => PdfDocument.load(updates.length ? new ChainedSource(base, updates) : base);
  const needTsa = (): TimestampProvider => {
    if (!options.timestamper) throw new LtvError('LTV_NEEDS_TIMESTAMP', { level: options.level });
    return options.timestamper;
  };
  const addDocTimestamp = async (): Promise<void> => {
    const done = await docTimestampUpdate(current(), {
      timestamper: needTsa(),
      hash: options.hash,
      placeholderBytes: options.docTimestampBytes,
    });
    updates.push(done.update);
    report.added.push('doc-timestamp');
    report.timestampFields.push(done.fieldName);
  };

  let doc = current();
  if (doc.recovered) throw new SignError('SIGN_RECOVERED_INPUT');
  const selected = (all: ReturnType<typeof existingSignatures>) =>
    options.fields ? all.filter((s) => options.fields!.includes(s.fieldName)) : all;
  let sigs = selected(existingSignatures(doc));
  if (sigs.length === 0) throw new LtvError('LTV_NO_SIGNATURES', options.fields ? { fields: options.fields } : {});
  const untimestamped = sigs.some((s) => s.kind !== 'doc-timestamp' && !s.timestamped && !s.coveredByDocTimestamp);

  // B-LTA's final document timestamp also gives the untimestamped signatures their proof of existence.
  if (untimestamped && options.level !== 'B-LTA') await addDocTimestamp();

  if (options.level !== 'B-T') {
    doc = current();
    const all = existingSignatures(doc);
    // The document timestamp just added belongs to the selection too: its TSA chain needs data for B-LT.
    sigs = all.filter(
      (s) => !options.fields || options.fields.includes(s.fieldName) || report.timestampFields.includes(s.fieldName),
    );
    const data = await gatherValidationData(
      sigs.map((s) => s.target),
      options,
    );
    report.certificates = data.report;
    report.warnings.push(...data.warnings);
    const dss = buildDssUpdate(doc, data);
    if (dss) {
      updates.push(dss.bytes);
      report.added.push('dss');
    }
  }
  if (options.level === 'B-LTA') await addDocTimestamp();

  report.signatures = existingSignatures(current()).map((s) => ({
    fieldName: s.fieldName,
    kind: s.kind,
    vriKey: s.vriKey,
  }));
  return { updates, report };
}

/** Augments a PDF held in memory; returns the input's bytes followed by the updates. */
export async function extendPdf(
  input: Uint8Array,
  options: ExtendOptions,
): Promise<{ pdf: Uint8Array; report: ExtendReport }> {
  const { updates, report } = await extendUpdates(input, options);
  return { pdf: appendUpdates(input, updates), report };
}

/**
 * Augments the file at `inPath` into `outPath`: the input is read through a windowed reader and copied by the
 * kernel, the updates written after it in a temporary file renamed into place only when complete.
 */
export async function extendFile(
  inPath: string,
  outPath: string,
  options: ExtendOptions,
): Promise<ExtendReport & { bytes: number }> {
  const source = new FileSource(inPath);
  try {
    const { updates, report } = await extendUpdates(source, options);
    const bytes = writeAppended(inPath, outPath, source.length, updates);
    return { ...report, bytes };
  } finally {
    source.close();
  }
}

/** `input` followed by `updates`, as one new array. */
export function appendUpdates(input: Uint8Array, updates: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(input.length + updates.reduce((n, u) => n + u.length, 0));
  out.set(input, 0);
  let at = input.length;
  for (const u of updates) {
    out.set(u, at);
    at += u.length;
  }
  return out;
}

/** Copies `inPath` and appends `updates` into a temporary file next to `outPath`, then renames it; returns the size. */
export function writeAppended(
  inPath: string,
  outPath: string,
  inputLength: number,
  updates: readonly Uint8Array[],
): number {
  let tmp: string | undefined = join(dirname(outPath), `.${basename(outPath)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    copyFileSync(inPath, tmp);
    const fd = openSync(tmp, 'r+');
    let at = inputLength;
    try {
      for (const u of updates) {
        writeSync(fd, u, 0, u.length, at);
        at += u.length;
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, outPath);
    tmp = undefined;
    return at;
  } finally {
    if (tmp) rmSync(tmp, { force: true });
  }
}
