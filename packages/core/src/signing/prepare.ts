/**
 * Step 1 of signing: place the signature in an incremental update, compute the document digest over the
 * ByteRange, and build the signed attributes, which are the data to sign. The result is plain JSON.
 */
import { PdfDocument, type ByteSource } from '@kyso/pdf';
import { parseCertificate, publicKeyOf, type CertificateInfo } from '../cms/certificate.js';
import { signedAttributes } from '../cms/signed-attributes.js';
import { defaultAppearance } from './default-appearance.js';
import { digestWithUpdate } from './digest.js';
import { estimateCmsBytes } from './estimate.js';
import type { Level, SignatureOptions } from './options.js';
import { placeSignature } from './placeholder.js';
import type { HashAlgorithm, SignerAlgorithm } from './signer.js';
import { b64, type SigningState } from './state.js';

/** Who will sign, as far as prepare needs to know: the certificate, its chain and the algorithm. No key. */
export interface SignerIdentity {
  certificate: Uint8Array;
  chain: readonly Uint8Array[];
  algorithm: SignerAlgorithm;
}

export interface PrepareOptions extends SignatureOptions {
  level?: Level;
  /** Bytes to reserve for the signature timestamp token when known (at least the default reserve is kept). */
  timestampBytes?: number;
}

export interface Prepared {
  state: SigningState;
  /** The DER of the signed attributes: what the signer signs. */
  dataToSign: Uint8Array;
  /** The update bytes (also in the state, base64), kept here to avoid decoding in-process. */
  update: Uint8Array;
}

/**
 * What prepare works out, before it becomes the JSON state: signing in process goes on from here without
 * encoding the update, the certificates and the attributes in base64 only to decode them again.
 */
export interface PreparedSignature {
  level: Level;
  inputLength: number;
  /** The appended bytes, with the /Contents placeholder still zero. */
  update: Uint8Array;
  contentsStart: number;
  contentsEnd: number;
  byteRange: [number, number, number, number];
  hash: HashAlgorithm;
  documentDigest: Uint8Array;
  /** The DER of the signed attributes: what the signer signs. */
  signedAttributes: Uint8Array;
  certificate: CertificateInfo;
  fieldName: string;
  signingTime: Date;
}

export function prepareSignature(
  input: Uint8Array | ByteSource | PdfDocument,
  signer: SignerIdentity,
  options: PrepareOptions = {},
): PreparedSignature {
  const doc =
    input instanceof PdfDocument ? input : PdfDocument.load(input, { maxDecodedBytes: options.maxDecodedBytes });
  const cert = parseCertificate(signer.certificate);
  const level = options.level ?? (options.timestamp ? 'B-T' : 'B-B');
  const timestamp = options.timestamp ?? level !== 'B-B';
  let keyBits: number | undefined;
  if (signer.algorithm.scheme.kind !== 'ecdsa') {
    keyBits = publicKeyOf(cert.spki).asymmetricKeyDetails?.modulusLength;
  }
  const placeholderBytes =
    options.placeholderBytes ??
    estimateCmsBytes({
      // named, not spread: spreading a Signer (a class instance with its key) was a tenth of prepare's time
      certificate: signer.certificate,
      chain: signer.chain,
      algorithm: signer.algorithm,
      keyBits,
      timestamp,
      timestampBytes: options.timestampBytes,
    });
  const signingTime = options.signingTime ?? new Date();
  // A visible signature without an appearance gets the standard one, with this signature's own time.
  const appearance =
    options.appearance ?? (options.visible ? defaultAppearance(cert, options, signingTime) : undefined);
  const placed = placeSignature(doc, {
    ...options,
    appearance,
    signerName: options.signerName ?? cert.subjectAttributes.CN ?? 'kyso',
    placeholderBytes,
    signingTime,
  });
  const hash = signer.algorithm.hash;
  const digest = digestWithUpdate(doc.source, placed.update.bytes, placed.contentsStart, placed.contentsEnd, hash);
  return {
    level,
    inputLength: doc.length,
    update: placed.update.bytes,
    contentsStart: placed.contentsStart,
    contentsEnd: placed.contentsEnd,
    byteRange: placed.byteRange,
    hash,
    documentDigest: digest,
    signedAttributes: signedAttributes({ digest, certificate: cert, hash }),
    certificate: cert,
    fieldName: placed.fieldName,
    signingTime,
  };
}

/** The prepared signature as the plain-JSON state a two-step signing keeps between prepare and finish. */
export function signingState(p: PreparedSignature, signer: SignerIdentity): SigningState {
  return {
    v: 1,
    level: p.level,
    inputLength: p.inputLength,
    update: b64(p.update),
    contentsStart: p.contentsStart,
    contentsEnd: p.contentsEnd,
    byteRange: p.byteRange,
    hash: p.hash,
    documentDigest: b64(p.documentDigest),
    signedAttributes: b64(p.signedAttributes),
    certificate: b64(signer.certificate),
    chain: signer.chain.map(b64),
    algorithm: signer.algorithm,
    fieldName: p.fieldName,
    signingTime: p.signingTime.toISOString(),
  };
}

export function prepare(
  input: Uint8Array | ByteSource | PdfDocument,
  signer: SignerIdentity,
  options: PrepareOptions = {},
): Prepared {
  const p = prepareSignature(input, signer, options);
  return { state: signingState(p, signer), dataToSign: p.signedAttributes, update: p.update };
}
