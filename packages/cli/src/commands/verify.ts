/**
 * `kyso verify FILE.pdf [--trust ROOT.pem ...] [--at ISO-TIME] [--online] [--json | --xml] [--lang vi|en]`: every
 * signature and document timestamp, with an ETSI verdict each (`--xml`: the ETSI TS 119 102-2 validation report).
 * Exit 0 all TOTAL-PASSED, 1 any TOTAL-FAILED, 2 any INDETERMINATE (none failed), 3 no signature; 64 usage, 65 not a
 * readable PDF.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import type { ByteSource } from '@kyso/pdf';
import { humanReport, validatePdf, validatePdfEtsiXml, type ValidationReport } from '@kyso/verify';
import { UsageError } from '../usage.js';
import { cliGuardedFetch } from '../signing-support.js';

/** Files this large are read in windows (parsed and hashed without being held in memory); smaller ones at once. */
const WINDOWED_FROM_BYTES = 16 * 1024 * 1024;

async function openPdf(path: string): Promise<{ input: Uint8Array | ByteSource; close(): void }> {
  if (statSync(path).size >= WINDOWED_FROM_BYTES) {
    const { FileSource } = await import('@kyso/core/file-source');
    const source = new FileSource(path);
    return { input: source, close: () => source.close() };
  }
  // A plain view over the file's buffer (a Buffer's own slice() would share memory with other Buffers).
  const file = readFileSync(path);
  return { input: new Uint8Array(file.buffer, file.byteOffset, file.byteLength), close: () => {} };
}

export const VERIFY_EXIT = { PASSED: 0, FAILED: 1, INDETERMINATE: 2, NO_SIGNATURE: 3 } as const;

export function exitCodeFor(report: ValidationReport): number {
  const s = report.signatures;
  if (s.length === 0) return VERIFY_EXIT.NO_SIGNATURE;
  if (s.some((x) => x.indication === 'TOTAL-FAILED')) return VERIFY_EXIT.FAILED;
  if (s.some((x) => x.indication === 'INDETERMINATE')) return VERIFY_EXIT.INDETERMINATE;
  return VERIFY_EXIT.PASSED;
}

function readTrust(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --trust ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function verify(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      trust: { type: 'string', multiple: true },
      intermediate: { type: 'string', multiple: true },
      at: { type: 'string' },
      online: { type: 'boolean' },
      json: { type: 'boolean' },
      xml: { type: 'boolean' },
      lang: { type: 'string' },
      timeout: { type: 'string' },
      'require-revocation': { type: 'boolean' },
      'allow-host': { type: 'string', multiple: true },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('verify takes exactly one FILE.pdf');
  if (values.json && values.xml) throw new UsageError('--json and --xml cannot be used together');
  let at: Date | undefined;
  if (values.at !== undefined) {
    at = new Date(values.at);
    if (!/^\d{4}-\d{2}-\d{2}/.test(values.at) || Number.isNaN(at.getTime())) throw new UsageError(`--at wants an ISO 8601 time, got '${values.at}'`);
  }
  const lang = values.lang ?? 'vi';
  if (lang !== 'vi' && lang !== 'en') throw new UsageError(`--lang is vi or en, got '${lang}'`);
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw new UsageError('--timeout wants milliseconds (a positive integer)');

  const anchors = (values.trust ?? []).map(readTrust);
  const intermediates = (values.intermediate ?? []).map(readTrust);
  const pdf = await openPdf(positionals[0]);
  const options = {
    trustAnchors: anchors,
    intermediates,
    at,
    online: values.online ?? false,
    fetch: values.online ? cliGuardedFetch(values['allow-host']) : undefined,
    timeoutMs,
    verdictPolicy: values['require-revocation'] ? { revocation: 'require' as const } : undefined,
  };
  try {
    if (values.xml) {
      const { report, xml } = await validatePdfEtsiXml(pdf.input, options);
      out(xml.trimEnd());
      return exitCodeFor(report);
    }
    const report = await validatePdf(pdf.input, options);
    if (values.json) out(JSON.stringify({ file: basename(positionals[0]), ...report }, null, 2));
    else out(humanReport(report, lang).trimEnd());
    return exitCodeFor(report);
  } finally {
    pdf.close();
  }
}
