/**
 * Step 3 of signing: take the signature value (or a complete CMS made elsewhere), add a signature timestamp when
 * the level asks for one, check that it fits the placeholder, and write it into the update. The original bytes
 * are never changed; the output is the original followed by the update.
 */
import { createHash } from 'node:crypto';
import { toSource, type ByteSource } from '@kyso/pdf';
import { parseCertificate } from '../cms/certificate.js';
import { children, read } from '../cms/der.js';
import { signedData } from '../cms/signed-data.js';
import { digestWithUpdate } from './digest.js';
import { SignError } from './errors.js';
import { verifyWithCertificate } from './signers/pkcs12.js';
import type { CertificateInfo } from '../cms/certificate.js';
import type { Level } from './options.js';
import type { PreparedSignature, SignerIdentity } from './prepare.js';
import { NODE_HASH, type HashAlgorithm, type Signer, type SignerAlgorithm } from './signer.js';
import { checkState, unb64, type SigningState } from './state.js';

/** Gets an RFC 3161 TimeStampToken (DER ContentInfo) for a message imprint. */
export type TimestampProvider = (imprint: Uint8Array, hash: HashAlgorithm) => Promise<Uint8Array>;

export type SignatureResult = { signatureValue: Uint8Array } | { cms: Uint8Array };

export interface FinishOptions {
  timestamper?: TimestampProvider;
  /** Re-hash the input to make sure it is the one prepared (default true; in-process composition skips it). */
  checkInput?: boolean;
  /** The update bytes when the caller still has them (saves decoding the state). */
  update?: Uint8Array;
}

export interface Finished {
  /** The bytes to append to the original input. */
  update: Uint8Array;
  cms: Uint8Array;
  state: SigningState;
}

export async function finishUpdate(
  input: Uint8Array | ByteSource,
  rawState: SigningState,
  result: SignatureResult,
  options: FinishOptions = {},
): Promise<Finished> {
  const state = checkState(rawState);
  const source = toSource(input);
  if (source.length !== state.inputLength)
    throw new SignError('SIGN_INPUT_CHANGED', { expected: state.inputLength, got: source.length });
  const update = (options.update ?? unb64(state.update)).slice();
  if (options.checkInput !== false) {
    const digest = digestWithUpdate(source, update, state.contentsStart, state.contentsEnd, state.hash);
    if (Buffer.compare(Buffer.from(digest), Buffer.from(unb64(state.documentDigest))) !== 0)
      throw new SignError('SIGN_INPUT_CHANGED');
  }
  let cms: Uint8Array;
  if ('cms' in result) cms = checkExternalCms(result.cms);
  else {
    const certificate = unb64(state.certificate);
    const parts: CmsParts = {
      level: state.level,
      algorithm: state.algorithm,
      certificate: parseCertificate(certificate),
      certificates: [certificate, ...state.chain.map(unb64)],
      signedAttributes: unb64(state.signedAttributes),
    };
    cms = await signatureCms(parts, result.signatureValue, options.timestamper);
  }
  embedCms(update, state, cms);
  return { update, cms, state };
}

/** What the CMS around a signature value is made of. */
interface CmsParts {
  level: Level;
  algorithm: SignerAlgorithm;
  certificate: CertificateInfo;
  /** The signer's certificate first, then its chain. */
  certificates: Uint8Array[];
  /** The DER of the signed attributes, exactly as signed. */
  signedAttributes: Uint8Array;
}

/**
 * The CMS SignedData around `signatureValue`: the value is checked against the certificate first (a signer that
 * returns a wrong value must not produce a PDF that looks signed) unless `checked` (Signer.checksOwnValues), then a
 * signature timestamp is added when the level asks for one.
 */
async function signatureCms(
  parts: CmsParts,
  signatureValue: Uint8Array,
  timestamper: TimestampProvider | undefined,
  checked = false,
): Promise<Uint8Array> {
  if (!checked && !verifyWithCertificate(parts.certificate, parts.algorithm, parts.signedAttributes, signatureValue))
    throw new SignError('SIGN_BAD_SIGNATURE_VALUE');
  let token: Uint8Array | undefined;
  if (parts.level !== 'B-B') {
    if (!timestamper)
      throw new SignError('SIGN_BAD_OPTIONS', { level: parts.level }, 'a timestamp authority is needed for this level');
    const imprint = new Uint8Array(createHash(NODE_HASH[parts.algorithm.hash]).update(signatureValue).digest());
    token = await timestamper(imprint, parts.algorithm.hash);
  }
  return signedData({
    algorithm: parts.algorithm,
    certificate: parts.certificate,
    certificates: parts.certificates,
    signedAttributes: parts.signedAttributes,
    signatureValue,
    timestampToken: token,
  });
}

/**
 * The CMS of a signature prepared in this process (prepareSignature) by `signer`: no two-step state in between. The
 * value is checked against the certificate unless the signer checks its own (Signer.checksOwnValues).
 */
export function preparedCms(
  prepared: PreparedSignature,
  signer: SignerIdentity & Pick<Signer, 'checksOwnValues'>,
  signatureValue: Uint8Array,
  timestamper?: TimestampProvider,
): Promise<Uint8Array> {
  const parts: CmsParts = {
    level: prepared.level,
    algorithm: signer.algorithm,
    certificate: prepared.certificate,
    certificates: [signer.certificate, ...signer.chain],
    signedAttributes: prepared.signedAttributes,
  };
  return signatureCms(parts, signatureValue, timestamper, signer.checksOwnValues === true);
}

/** Finishes in memory: the whole signed file. */
export async function finish(
  input: Uint8Array,
  state: SigningState,
  result: SignatureResult,
  options: FinishOptions = {},
): Promise<Uint8Array> {
  const done = await finishUpdate(input, state, result, options);
  const out = new Uint8Array(input.length + done.update.length);
  out.set(input, 0);
  out.set(done.update, input.length);
  return out;
}

const HEX = new TextEncoder().encode('0123456789ABCDEF');

/** Writes the CMS as hex into the /Contents placeholder of `update`. */
export function embedCms(
  update: Uint8Array,
  state: Pick<SigningState, 'contentsStart' | 'contentsEnd' | 'inputLength'>,
  cms: Uint8Array,
): void {
  writeContents(update, state.contentsStart - state.inputLength, state.contentsEnd - state.contentsStart, cms);
}

/**
 * Writes the CMS as upper-case hex into the placeholder `<0…0>` of `width` bytes at `at` of `bytes` (an update, or
 * the whole signed file); SIGN_PLACEHOLDER_TOO_SMALL when it does not fit.
 */
export function writeContents(bytes: Uint8Array, at: number, width: number, cms: Uint8Array): void {
  const capacity = (width - 2) / 2;
  if (cms.length > capacity) {
    throw new SignError(
      'SIGN_PLACEHOLDER_TOO_SMALL',
      { needed: cms.length, available: capacity },
      `${cms.length} > ${capacity} bytes`,
    );
  }
  // upper-case hex digits written straight into the placeholder (no string of the CMS's size; Node's hex encoder
  // and latin1 writer measured no faster in signPdf)
  for (let i = 0, o = at + 1; i < cms.length; i++, o += 2) {
    bytes[o] = HEX[cms[i]! >> 4]!;
    bytes[o + 1] = HEX[cms[i]! & 15]!;
  }
}

/** A CMS from an external signer: it must at least be one DER ContentInfo. */
function checkExternalCms(cms: Uint8Array): Uint8Array {
  try {
    const ci = read(cms);
    if (ci.tag !== 0x30 || ci.end !== cms.length || children(ci).length !== 2) throw new Error('not a ContentInfo');
  } catch {
    throw new SignError('SIGN_BAD_SIGNATURE_VALUE', {}, 'the CMS is not a DER ContentInfo');
  }
  return cms;
}
