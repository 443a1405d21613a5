/**
 * Files kyso signs for the validator's tests, and the byte-level tools the attack tests use to break them: find a
 * token, overwrite in place (same length, so every offset stays right), append raw bytes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { Pkcs12Signer, signPdf, type SignPdfOptions } from '@kyso/core';
import { validatePdf, type SignatureReport, type ValidateOptions, type ValidationReport } from '@kyso/verify';

export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const CERTS = `${REPO}test-certs/`;
export const ROOT_PEM = readFileSync(`${CERTS}root-ca.pem`, 'utf8');
export const INTERMEDIATE_PEM = readFileSync(`${CERTS}intermediate-ca.pem`, 'utf8');

const signers = new Map<string, Pkcs12Signer>();

/** A signer from test-certs/ (every .p12's password is kyso-test), opened once. */
export function p12Signer(name = 'signer.p12'): Pkcs12Signer {
  let s = signers.get(name);
  if (!s) {
    s = Pkcs12Signer.open(new Uint8Array(readFileSync(`${CERTS}${name}`)), 'kyso-test');
    signers.set(name, s);
  }
  return s;
}

/** A one- or more-page document with text in a standard font, classic xref table (no object streams). */
export async function plainPdf(options: { pages?: number; text?: string } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < (options.pages ?? 1); i++) {
    doc.addPage([595, 842]).drawText(options.text ?? `Quyet dinh so ${i + 1}/2026`, { x: 50, y: 780, size: 14, font });
  }
  doc.setCreationDate(new Date('2026-01-01T00:00:00Z'));
  doc.setModificationDate(new Date('2026-01-01T00:00:00Z'));
  return doc.save({ useObjectStreams: false });
}

export interface SignWith extends SignPdfOptions {
  /** The .p12 in test-certs/ (default signer.p12). */
  p12?: string;
}

/** Signs with kyso; the pre-signing certificate check is off unless the caller sets one. */
export async function kysoSign(input: Uint8Array, options: SignWith = {}): Promise<Uint8Array> {
  const { p12, ...rest } = options;
  return signPdf(input, p12Signer(p12), { certificateCheck: false, ...rest });
}

/** validatePdf trusting the test root (unless the caller says otherwise), offline. */
export function validate(bytes: Uint8Array, options: ValidateOptions = {}): Promise<ValidationReport> {
  return validatePdf(bytes, { trustAnchors: [ROOT_PEM], ...options });
}

/** "TOTAL-FAILED/HASH_FAILURE" — one string, so a failing assertion shows both halves. */
export const verdictOf = (s: SignatureReport): string => `${s.indication}/${s.subIndication ?? '-'}`;

/** Why a signature got its verdict, for assertion messages. */
export const explain = (s: SignatureReport): string =>
  `${s.fieldName}: ${verdictOf(s)} mod=${s.modifications} [${s.reasons.map((r) => `${r.code}${r.detail ? ` ${r.detail}` : ''}`).join('; ')}]`;

// ------------------------------------------------------------------ bytes

export const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
export const bytesOf = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

export function concat(...parts: (Uint8Array | string)[]): Uint8Array {
  const bs = parts.map((p) => (typeof p === 'string' ? bytesOf(p) : p));
  const out = new Uint8Array(bs.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** The offset of the last (or, with `from`, the first at or after `from`) occurrence of `token`; throws when absent. */
export function offsetOf(bytes: Uint8Array, token: string, options: { from?: number; first?: boolean } = {}): number {
  const text = latin1(bytes);
  const at =
    options.first || options.from !== undefined ? text.indexOf(token, options.from ?? 0) : text.lastIndexOf(token);
  if (at < 0) throw new Error(`token ${JSON.stringify(token)} not found`);
  return at;
}

/** A copy of `bytes` with `text` written over the bytes at `at` (same length: no offset moves). */
export function overwrite(bytes: Uint8Array, at: number, text: string): Uint8Array {
  const out = bytes.slice();
  out.set(bytesOf(text), at);
  return out;
}

/**
 * Where the newest signature dictionary keeps its /ByteRange array and its /Contents hex string (delimiters
 * included), as kyso writes them: `/ByteRange [a b c d   ]/Contents <…>`.
 */
export function signatureTokens(bytes: Uint8Array): {
  byteRange: { start: number; end: number; values: number[] };
  contents: { start: number; end: number };
} {
  const brAt = offsetOf(bytes, '/ByteRange');
  const open = offsetOf(bytes, '[', { from: brAt });
  const close = offsetOf(bytes, ']', { from: open });
  const values = latin1(bytes.subarray(open + 1, close))
    .trim()
    .split(/\s+/)
    .map(Number);
  const cAt = offsetOf(bytes, '/Contents', { from: brAt });
  const lt = offsetOf(bytes, '<', { from: cAt });
  const gt = offsetOf(bytes, '>', { from: lt });
  return { byteRange: { start: brAt, end: close + 1, values }, contents: { start: cAt, end: gt + 1 } };
}

/** `text` padded with spaces to exactly `length` bytes (throws if it does not fit). */
export function padTo(text: string, length: number): string {
  if (text.length > length) throw new Error(`'${text.slice(0, 40)}…' is longer than ${length} bytes`);
  return text + ' '.repeat(length - text.length);
}
