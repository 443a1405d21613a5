/**
 * RFC 3161 §2.4.1 TimeStampReq: version 1, the message imprint, a random nonce (so a replayed answer is caught),
 * certReq TRUE (so the token carries the TSA certificate the verifier needs) and an optional policy.
 */
import * as asn1js from 'asn1js';
import { HASH_BYTES, HASH_OID, type TimestampHash } from './oids.js';
import { integerHex, toArrayBuffer } from './bytes.js';
import { TsaError } from './errors.js';

export interface TimestampRequestOptions {
  /** The TSA policy OID to ask for (reqPolicy). */
  policy?: string;
  /** The nonce's bytes (default: 8 random bytes); read as an unsigned big-endian number. */
  nonce?: Uint8Array;
  /** Ask for the TSA certificate in the token (default true). */
  certReq?: boolean;
}

export interface TimestampRequest {
  /** The DER TimeStampReq, the body of the HTTP POST. */
  der: Uint8Array;
  /** The nonce sent, as lowercase hex without leading zeros (compare with parseTimestampToken's `nonce`). */
  nonce: string;
}

const OID_PATTERN = /^[0-2](\.(0|[1-9]\d*))+$/;

export function buildTimestampRequest(
  imprint: Uint8Array,
  hash: TimestampHash,
  options: TimestampRequestOptions = {},
): TimestampRequest {
  const hashOid = HASH_OID[hash];
  if (!hashOid) throw new TsaError('TSA_BAD_REQUEST', { hash }, `unsupported hash ${String(hash)}`);
  if (!(imprint instanceof Uint8Array) || imprint.length !== HASH_BYTES[hash]) {
    throw new TsaError(
      'TSA_BAD_REQUEST',
      { hash, length: imprint?.length },
      `a ${hash} imprint is ${HASH_BYTES[hash]} bytes`,
    );
  }
  if (options.policy !== undefined && !OID_PATTERN.test(options.policy)) {
    throw new TsaError('TSA_BAD_REQUEST', { policy: options.policy }, 'the policy is not an OID');
  }
  const nonceBytes = unsignedIntegerContent(options.nonce ?? globalThis.crypto.getRandomValues(new Uint8Array(8)));

  const fields: asn1js.AsnType[] = [
    new asn1js.Integer({ value: 1 }),
    new asn1js.Sequence({
      value: [
        // NULL parameters, as openssl and BouncyCastle send them; every TSA accepts that form.
        new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: hashOid }), new asn1js.Null()] }),
        new asn1js.OctetString({ valueHex: toArrayBuffer(imprint) }),
      ],
    }),
  ];
  if (options.policy !== undefined) fields.push(new asn1js.ObjectIdentifier({ value: options.policy }));
  fields.push(new asn1js.Integer({ valueHex: toArrayBuffer(nonceBytes) }));
  if (options.certReq ?? true) fields.push(new asn1js.Boolean({ value: true }));

  const der = new Uint8Array(new asn1js.Sequence({ value: fields }).toBER(false));
  return { der, nonce: integerHex(nonceBytes) };
}

/** Minimal DER content of a non-negative INTEGER with the given magnitude bytes. */
function unsignedIntegerContent(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  const top = m[0];
  if (top === undefined) return new Uint8Array([0]);
  if (top < 0x80) return m.slice();
  const out = new Uint8Array(m.length + 1);
  out.set(m, 1);
  return out;
}
