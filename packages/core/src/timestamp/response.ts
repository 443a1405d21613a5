/** RFC 3161 §2.4.2 TimeStampResp: the PKIStatusInfo and, when granted, the token's original DER. */
import * as asn1js from 'asn1js';
import { toArrayBuffer, view } from './bytes.js';
import { TsaError } from './errors.js';
import { FAILURE_INFO_BITS } from './oids.js';

export const PKI_STATUS = [
  'granted',
  'grantedWithMods',
  'rejection',
  'waiting',
  'revocationWarning',
  'revocationNotification',
] as const;

export interface TimestampResponse {
  /** PKIStatus: 0 granted, 1 grantedWithMods, 2 rejection, ... */
  status: number;
  statusName: string;
  /** The TSA's free-text status strings, if any (at most 5, each cut to 200 characters: they end up in errors). */
  statusText: string[];
  /** Names of the PKIFailureInfo bits set (e.g. 'badAlg'); unknown bits as 'bit<n>'. */
  failInfo: string[];
  /** The TimeStampToken ContentInfo DER, exactly as received. */
  token?: Uint8Array;
}

export function parseTimestampResponse(der: Uint8Array): TimestampResponse {
  const bad = (why: string): TsaError => new TsaError('TSA_BAD_RESPONSE', { reason: why, length: der.length }, why);
  const asn1 = asn1js.fromBER(toArrayBuffer(der));
  if (asn1.offset === -1 || asn1.offset !== der.length || !(asn1.result instanceof asn1js.Sequence)) {
    throw bad('not a DER TimeStampResp');
  }
  const [statusInfo, token, ...rest] = asn1.result.valueBlock.value;
  if (!(statusInfo instanceof asn1js.Sequence) || rest.length) throw bad('not a TimeStampResp');
  const [statusInt, ...optional] = statusInfo.valueBlock.value;
  if (!(statusInt instanceof asn1js.Integer)) throw bad('PKIStatusInfo has no status');
  const status = statusInt.valueBlock.valueDec;

  const statusText: string[] = [];
  const failInfo: string[] = [];
  for (const field of optional) {
    if (field instanceof asn1js.Sequence) {
      for (const s of field.valueBlock.value) {
        if (s instanceof asn1js.Utf8String && statusText.length < 5) statusText.push(s.valueBlock.value.slice(0, 200));
      }
    } else if (field instanceof asn1js.BitString) {
      const bits = view(field.valueBlock.valueHexView);
      const usable = bits.length * 8 - field.valueBlock.unusedBits;
      for (let n = 0; n < usable; n++) {
        if ((bits[n >> 3] ?? 0) & (0x80 >> (n & 7))) failInfo.push(FAILURE_INFO_BITS[n] ?? `bit${n}`);
      }
    } else {
      throw bad('unexpected field in PKIStatusInfo');
    }
  }

  const out: TimestampResponse = { status, statusName: PKI_STATUS[status] ?? `status${status}`, statusText, failInfo };
  if (token) {
    if (!(token instanceof asn1js.Sequence)) throw bad('timeStampToken is not a ContentInfo');
    out.token = view(token.valueBeforeDecodeView).slice();
  }
  return out;
}
