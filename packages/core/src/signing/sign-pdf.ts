/** signPdf and signFile: prepare → sign → finish in one call, in memory or file to file. */
import { closeSync, copyFileSync, openSync, renameSync, rmSync, writeSync, fsyncSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PdfDocument } from '@kyso/pdf';
import { FileSource } from '../io/file-source.js';
import { finish, finishUpdate, type TimestampProvider } from './finish.js';
import { prepare, type PrepareOptions } from './prepare.js';
import type { Signer } from './signer.js';
import { checkSignerCertificate, DEFAULT_CHECK_POLICY, type CertificateCheckPolicy } from './certificate-check.js';
import { appendUpdates, writeAppended } from '../ltv/augment.js';
import { isLtvLevel, ltvTimestampBytes, ltvUpdatesAfter, type LtvSigningOptions } from '../ltv/new-signature.js';

export interface SignPdfOptions extends PrepareOptions {
  /** Needed for B-T and above. */
  timestamper?: TimestampProvider;
  /** The pre-signing certificate check; `false` skips it (only for tests of the signing mechanics). */
  certificateCheck?: CertificateCheckPolicy | false;
  /** Receives warnings such as "revocation status could not be checked". */
  onWarning?: (message: string) => void;
  /** B-LT and B-LTA: validation-data policy, extra certificates and fetch overrides. */
  ltv?: LtvSigningOptions;
}

/** Runs the pre-signing check and fixes the signing time used by both the check and /M. */
async function precheck(signer: Signer, options: SignPdfOptions): Promise<SignPdfOptions> {
  const signingTime = options.signingTime ?? new Date();
  if (options.certificateCheck !== false) {
    const res = await checkSignerCertificate(signer.certificate, signer.chain, signingTime, options.certificateCheck ?? DEFAULT_CHECK_POLICY);
    for (const w of res.warnings) options.onWarning?.(w);
  }
  let timestampBytes = options.timestampBytes;
  if (isLtvLevel(options.level) && options.timestamper && options.placeholderBytes === undefined && timestampBytes === undefined) {
    timestampBytes = await ltvTimestampBytes(options.timestamper, signer.algorithm.hash);
  }
  return { ...options, signingTime, timestampBytes };
}

/** Signs a PDF held in memory; returns the input's bytes followed by the signature's update. */
export async function signPdf(input: Uint8Array, signer: Signer, options: SignPdfOptions = {}): Promise<Uint8Array> {
  options = await precheck(signer, options);
  const prepared = prepare(input, signer, options);
  const signatureValue = await signer.sign(prepared.dataToSign);
  const level = options.level;
  if (!isLtvLevel(level)) return finish(input, prepared.state, { signatureValue }, { timestamper: options.timestamper, checkInput: false, update: prepared.update });
  const done = await finishUpdate(input, prepared.state, { signatureValue }, { timestamper: options.timestamper, checkInput: false, update: prepared.update });
  const more = await ltvUpdatesAfter(input, done.update, done.state.fieldName, { ...options, level });
  return appendUpdates(input, [done.update, ...more]);
}

/**
 * Signs the file at `inPath` into `outPath` without holding it in memory: the input is parsed through a windowed
 * reader and hashed in chunks, the output is a copy of the input plus the update, written to a temporary file in
 * the output's directory and renamed into place only when complete (no partial output on any error).
 */
export async function signFile(inPath: string, outPath: string, signer: Signer, options: SignPdfOptions = {}): Promise<{ fieldName: string; bytes: number }> {
  options = await precheck(signer, options);
  const source = new FileSource(inPath);
  let tmp: string | undefined;
  try {
    const doc = PdfDocument.load(source, { maxDecodedBytes: options.maxDecodedBytes });
    const prepared = prepare(doc, signer, options);
    const signatureValue = await signer.sign(prepared.dataToSign);
    const done = await finishUpdate(source, prepared.state, { signatureValue }, { timestamper: options.timestamper, checkInput: false, update: prepared.update });
    const level = options.level;
    if (isLtvLevel(level)) {
      const more = await ltvUpdatesAfter(source, done.update, done.state.fieldName, { ...options, level });
      const bytes = writeAppended(inPath, outPath, source.length, [done.update, ...more]);
      return { fieldName: done.state.fieldName, bytes };
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
    return { fieldName: done.state.fieldName, bytes: source.length + done.update.length };
  } finally {
    source.close();
    if (tmp) rmSync(tmp, { force: true });
  }
}
