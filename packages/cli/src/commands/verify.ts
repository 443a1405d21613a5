/**
 * `kyso verify FILE.pdf [--trust ROOT.pem ...] [--at ISO-TIME] [--online] [--json | --xml] [--lang vi|en]`: every
 * signature and document timestamp, with an ETSI verdict each (`--xml`: the ETSI TS 119 102-2 validation report).
 * Trust: the bundled profile `vn` unless told otherwise, plus the operator's roots (../trust-sources.ts); the human
 * report and the JSON say where it came from.
 * Exit 0 all TOTAL-PASSED, 1 any TOTAL-FAILED, 2 any INDETERMINATE (none failed), 3 no signature; 64 usage, 65 not a
 * readable PDF. Several files or a folder: the batch (verify-batch.ts), one line per file.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ByteSource } from '@kyso/pdf';
import { humanReport, OcspCache, validatePdfDetailed, validatePdfEtsiXml, type ValidationReport } from '@kyso/verify';
import { UsageError } from '../usage.js';
import { anchorFor, originText, selectTrust, trustSummary, type TrustSelection } from '../trust-sources.js';
import { isBatch, parseVerifyArgs, WINDOWED_FROM_BYTES } from './verify-args.js';
import { cliFetchOptions } from '../fetch-policy.js';
import { runFetchCache } from '../fetch-cache.js';

export async function openPdf(path: string): Promise<{ input: Uint8Array | ByteSource; close(): void }> {
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

/** The report's conclusion as an exit code: @kyso/verify's conclusionOf holds the rule (worst indication first). */
export function exitCodeFor(report: ValidationReport): number {
  return VERIFY_EXIT[report.conclusion.result];
}

/** The options of `kyso verify`, parsed and checked once (the batch's workers get them as plain data). */
export interface VerifyArgs {
  values: VerifyValues;
  positionals: string[];
}

export type VerifyValues = ReturnType<typeof parseVerifyArgs>['values'];

/** What every file of a run is validated with: the trust and the validation options. */
export interface VerifyContext {
  trust: TrustSelection;
  options: Parameters<typeof validatePdfDetailed>[1] & {};
  /**
   * With --online: a guarded fetch with its own request budget, one per file (a batch would exhaust one budget),
   * behind the run's cache of GET answers (fetch-cache.ts).
   */
  fetchForFile?: () => NonNullable<VerifyContext['options']['fetch']>;
  json: boolean;
  lang: 'vi' | 'en';
}

/** Checks the options (usage errors before any file is read) and builds the run's context. */
export async function verifyContext(values: VerifyValues): Promise<VerifyContext> {
  if (values.json && values.xml) throw new UsageError('--json and --xml cannot be used together');
  let at: Date | undefined;
  if (values.at !== undefined) {
    at = new Date(values.at);
    if (!/^\d{4}-\d{2}-\d{2}/.test(values.at) || Number.isNaN(at.getTime()))
      throw new UsageError(`--at wants an ISO 8601 time, got '${values.at}'`);
  }
  const lang = values.lang ?? 'vi';
  if (lang !== 'vi' && lang !== 'en') throw new UsageError(`--lang is vi or en, got '${lang}'`);
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0))
    throw new UsageError('--timeout wants milliseconds (a positive integer)');
  const trust = selectTrust(values);
  const options = {
    trustProfile: trust.profile,
    at,
    online: values.online ?? false,
    fetch: undefined,
    timeoutMs,
    verdictPolicy: values['require-revocation'] ? { revocation: 'require' as const } : undefined,
  };
  const fetchOptions = values.online ? cliFetchOptions(values['allow-host']) : undefined; // --allow-host checked here
  // The network code (node:http, node:https, node:dns) loads only for --online.
  const nodeGuardedFetch = fetchOptions ? (await import('@kyso/core/guarded-fetch')).nodeGuardedFetch : undefined;
  const cached = runFetchCache();
  const fetchForFile = fetchOptions && nodeGuardedFetch ? () => cached(nodeGuardedFetch(fetchOptions)) : undefined;
  return { trust, options, fetchForFile, json: values.json ?? false, lang };
}

/**
 * A batch run's context (one per thread: this one and each worker): with --online, the OCSP answers fetched are kept
 * for the run (OcspCache: one request per certificate while its answer is current, at most 5 minutes), as the GET
 * answers are (fetch-cache.ts). A single file keeps nothing.
 */
export async function batchContext(values: VerifyValues): Promise<VerifyContext> {
  const ctx = await verifyContext(values);
  return ctx.options.online ? { ...ctx, options: { ...ctx.options, ocspCache: new OcspCache() } } : ctx;
}

/** The validation options for one file: the run's, with a fresh guarded fetch when online. */
export function fileOptions(ctx: VerifyContext): VerifyContext['options'] {
  return ctx.fetchForFile ? { ...ctx.options, fetch: ctx.fetchForFile() } : ctx.options;
}

export async function verify(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseVerifyArgs(argv);
  if (positionals.length === 0)
    throw new UsageError('verify takes exactly one FILE.pdf, or several files and folders (a batch)');
  // The batch's module (node:worker_threads, node:os) loads only for a batch.
  if (isBatch(positionals)) return (await import('./verify-batch.js')).verifyBatch(values, positionals, out);
  const ctx = await verifyContext(values);
  const pdf = await openPdf(positionals[0]!);
  try {
    if (values.xml) {
      const { report, xml } = await validatePdfEtsiXml(pdf.input, fileOptions(ctx));
      out(xml.trimEnd());
      return exitCodeFor(report);
    }
    const checked = await validateOpened(pdf.input, basename(positionals[0]!), ctx, false);
    out(checked.text);
    return checked.exit;
  } finally {
    pdf.close();
  }
}

/** One opened file validated: its exit code and its report (pretty JSON, one JSON line, or the human report). */
export async function validateOpened(
  input: Uint8Array | ByteSource,
  file: string,
  ctx: VerifyContext,
  oneLine: boolean,
): Promise<{ exit: number; report: ValidationReport; text: string }> {
  const { trust, lang } = ctx;
  const { report, facts } = await validatePdfDetailed(input, fileOptions(ctx));
  const anchors = facts.signatures.map((f) =>
    f.chain.found ? anchorFor(trust, f.chain.path[f.chain.path.length - 1]) : undefined,
  );
  const exit = exitCodeFor(report);
  let text: string;
  if (oneLine) text = JSON.stringify({ file, exit, ...report, trust: trustJson(trust, report, anchors) });
  else if (ctx.json) text = JSON.stringify({ file, ...report, trust: trustJson(trust, report, anchors) }, null, 2);
  else
    text = [
      trustSummary(trust, lang),
      ...anchorLines(report, anchors, lang),
      '',
      humanReport(report, lang).trimEnd(),
    ].join('\n');
  return { exit, report, text };
}

type Anchor = ReturnType<typeof anchorFor>;

/** The trust of the run, for the JSON: where it came from and, per signature, the anchor its path ended at. */
function trustJson(trust: TrustSelection, report: ValidationReport, anchors: Anchor[]) {
  return {
    profile: trust.bundled,
    anchors: trust.profile.anchors.length,
    extraCertificates: trust.profile.extraCertificates.length,
    given: trust.given,
    signatures: report.signatures.map((s, i) => ({
      fieldName: s.fieldName,
      anchor: anchors[i] ? { subject: anchors[i].subject, sha256: anchors[i].sha256, origin: anchors[i].origin } : null,
    })),
  };
}

/** Per signature whose path reached an anchor: which one, and where that anchor came from. */
function anchorLines(report: ValidationReport, anchors: Anchor[], lang: 'vi' | 'en'): string[] {
  const lines = report.signatures.flatMap((s, i) => {
    const a = anchors[i];
    if (!a) return [];
    const name = s.fieldName ?? `#${i + 1}`;
    return [
      lang === 'vi'
        ? `  ${name}: chứng thư số gốc "${a.subject}" — ${originText(a, 'vi')}`
        : `  ${name}: root "${a.subject}" — ${originText(a, 'en')}`,
    ];
  });
  return lines.length
    ? [lang === 'vi' ? 'Chứng thư số gốc của từng chữ ký:' : 'Root of each signature:', ...lines]
    : [];
}
