/** signPdf and signFile: prepare → sign → finish in one call, in memory or file to file. */
import { closeSync, copyFileSync, openSync, renameSync, rmSync, writeSync, fsyncSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PdfDocument } from '@kyso/pdf';
import { FileSource } from '../io/file-source.js';
import { finishUpdate, preparedCms, writeContents, type TimestampProvider } from './finish.js';
import { prepare, prepareSignature, type PrepareOptions } from './prepare.js';
import type { Signer } from './signer.js';
import { checkSignerCertificate, DEFAULT_CHECK_POLICY, type CertificateCheckPolicy } from './certificate-check.js';
import { appendUpdates, writeAppended } from '../ltv/augment.js';
import { isLtvLevel, ltvTimestampBytes, ltvUpdatesAfter, type LtvSigningOptions } from '../ltv/new-signature.js';
import type { OnSigningWarning, SigningWarning } from './warnings.js';

export interface SignPdfOptions extends PrepareOptions {
  /** Needed for B-T and above. */
  timestamper?: TimestampProvider;
  /** The pre-signing certificate check; `false` skips it (only for tests of the signing mechanics). */
  certificateCheck?: CertificateCheckPolicy | false;
  /** B-LT and B-LTA: validation-data policy, extra certificates and fetch overrides. */
  ltv?: LtvSigningOptions;
}

/**
 * The signed PDF: the input's bytes followed by the signature's update, carrying what signing warned of (the
 * signer's status unchecked, validation data not embedded) as `warnings`, an empty list when there is nothing to
 * say. Still a plain Uint8Array (written, hashed and compared as the bytes it is): `warnings` is a read-only,
 * non-enumerable property, so copies and slices are bytes alone.
 */
export type SignedPdf = Uint8Array & { readonly warnings: readonly SigningWarning[] };

function withWarnings(bytes: Uint8Array, warnings: readonly SigningWarning[]): SignedPdf {
  return Object.defineProperty(bytes, 'warnings', {
    value: Object.freeze([...warnings]),
    enumerable: false,
    writable: false,
  }) as SignedPdf;
}

/** Each warning once, in the order raised, also passed on to the caller's `onWarning`. */
function warningCollector(options: SignPdfOptions): { warnings: SigningWarning[]; onWarning: OnSigningWarning } {
  const warnings: SigningWarning[] = [];
  return {
    warnings,
    onWarning: (w) => {
      if (warnings.some((x) => x.code === w.code && x.detail === w.detail)) return;
      warnings.push(w);
      options.onWarning?.(w);
    },
  };
}

/** Runs the pre-signing check and fixes the signing time used by both the check and /M. */
async function precheck(signer: Signer, options: SignPdfOptions): Promise<SignPdfOptions> {
  const signingTime = options.signingTime ?? new Date();
  if (options.certificateCheck !== false) {
    const res = await checkSignerCertificate(
      signer.certificate,
      signer.chain,
      signingTime,
      options.certificateCheck ?? DEFAULT_CHECK_POLICY,
    );
    for (const w of res.warnings) options.onWarning?.(w);
  }
  let timestampBytes = options.timestampBytes;
  if (
    isLtvLevel(options.level) &&
    options.timestamper &&
    options.placeholderBytes === undefined &&
    timestampBytes === undefined
  ) {
    timestampBytes = await ltvTimestampBytes(options.timestamper, signer.algorithm.hash);
  }
  return { ...options, signingTime, timestampBytes };
}

/** Signs a PDF held in memory; returns the input's bytes followed by the signature's update, with its warnings. */
export async function signPdf(input: Uint8Array, signer: Signer, options: SignPdfOptions = {}): Promise<SignedPdf> {
  const collected = warningCollector(options);
  options = await precheck(signer, { ...options, onWarning: collected.onWarning });
  const level = options.level;
  if (!isLtvLevel(level)) {
    // In memory, straight from the prepared parts: no JSON state, and the update copied once, into the output.
    const prepared = prepareSignature(input, signer, options);
    const signatureValue = await signer.sign(prepared.signedAttributes);
    const cms = await preparedCms(prepared, signer, signatureValue, options.timestamper);
    const out = new Uint8Array(input.length + prepared.update.length);
    out.set(input, 0);
    out.set(prepared.update, input.length);
    writeContents(out, prepared.contentsStart, prepared.contentsEnd - prepared.contentsStart, cms);
    return withWarnings(out, collected.warnings);
  }
  const prepared = prepare(input, signer, options);
  const signatureValue = await signer.sign(prepared.dataToSign);
  const done = await finishUpdate(
    input,
    prepared.state,
    { signatureValue },
    { timestamper: options.timestamper, checkInput: false, update: prepared.update },
  );
  const more = await ltvUpdatesAfter(input, done.update, done.state.fieldName, { ...options, level });
  return withWarnings(appendUpdates(input, [done.update, ...more]), collected.warnings);
}

/**
 * Signs the file at `inPath` into `outPath` without holding it in memory: the input is parsed through a windowed
 * reader and hashed in chunks, the output is a copy of the input plus the update, written to a temporary file in
 * the output's directory and renamed into place only when complete (no partial output on any error).
 */
export async function signFile(
  inPath: string,
  outPath: string,
  signer: Signer,
  options: SignPdfOptions = {},
): Promise<{ fieldName: string; bytes: number; warnings: SigningWarning[] }> {
  const collected = warningCollector(options);
  options = await precheck(signer, { ...options, onWarning: collected.onWarning });
  const source = new FileSource(inPath);
  let tmp: string | undefined;
  try {
    const doc = PdfDocument.load(source, { maxDecodedBytes: options.maxDecodedBytes });
    const prepared = prepare(doc, signer, options);
    const signatureValue = await signer.sign(prepared.dataToSign);
    const done = await finishUpdate(
      source,
      prepared.state,
      { signatureValue },
      { timestamper: options.timestamper, checkInput: false, update: prepared.update },
    );
    const level = options.level;
    if (isLtvLevel(level)) {
      const more = await ltvUpdatesAfter(source, done.update, done.state.fieldName, { ...options, level });
      const bytes = writeAppended(inPath, outPath, source.length, [done.update, ...more]);
      return { fieldName: done.state.fieldName, bytes, warnings: collected.warnings };
    }
    tmp = join(dirname(outPath), `.${basename(outPath)}.${randomBytes(6).toString('hex')}.tmp`);
    copyFileSync(inPath, tmp);
    const fd = openSync(tmp, 'r+');
    try {
      writeSync(fd, done.update, 0, done.update.length, source.length);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, outPath);
    tmp = undefined;
    return { fieldName: done.state.fieldName, bytes: source.length + done.update.length, warnings: collected.warnings };
  } finally {
    source.close();
    if (tmp) rmSync(tmp, { force: true });
  }
}
