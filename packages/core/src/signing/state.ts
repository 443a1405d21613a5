/**
 * The state between prepare and finish, as plain JSON: what a service stores while a token or a remote signer
 * makes the signature value. It holds no key material; the original document is given again at finish and
 * checked against the digest.
 */
import type { HashAlgorithm, SignerAlgorithm } from './signer.js';
import type { Level } from './options.js';
import { SignError } from './errors.js';

export interface SigningState {
  v: 1;
  level: Level;
  inputLength: number;
  /** The appended bytes (base64), with the /Contents placeholder still zero. */
  update: string;
  contentsStart: number;
  contentsEnd: number;
  byteRange: [number, number, number, number];
  hash: HashAlgorithm;
  /** base64 of the digest over the ByteRange. */
  documentDigest: string;
  /** base64 of the DER signed attributes: the data to sign. */
  signedAttributes: string;
  certificate: string;
  chain: string[];
  algorithm: SignerAlgorithm;
  fieldName: string;
  signingTime: string;
}

export const b64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
export const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

/** Checks a state that came back from outside (JSON) before it is trusted. */
export function checkState(s: unknown): SigningState {
  const st = s as SigningState;
  const ok =
    st &&
    st.v === 1 &&
    typeof st.update === 'string' &&
    Number.isInteger(st.inputLength) &&
    Number.isInteger(st.contentsStart) &&
    Number.isInteger(st.contentsEnd) &&
    Array.isArray(st.byteRange) &&
    st.byteRange.length === 4 &&
    typeof st.documentDigest === 'string' &&
    typeof st.signedAttributes === 'string' &&
    typeof st.certificate === 'string' &&
    Array.isArray(st.chain) &&
    st.algorithm &&
    typeof st.algorithm.hash === 'string' &&
    st.contentsStart >= st.inputLength &&
    st.contentsEnd > st.contentsStart &&
    st.contentsEnd <= st.inputLength + Buffer.byteLength(st.update, 'base64');
  if (!ok) throw new SignError('SIGN_STATE_INVALID');
  return st;
}
