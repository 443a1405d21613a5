/**
 * Signature timestamps (CAdES / PAdES B-T): every id-aa-signatureTimeStampToken unsigned attribute of a SignerInfo,
 * each verified with its imprint over the SignerInfo's signature value (RFC 3161 Appendix A).
 */
import type * as pkijs from 'pkijs';
import type { CmsFacts } from '../signature/cms.js';
import { checkTimestampToken, type TimestampCheck } from './check.js';
import { TSP_OID } from './oids.js';
import { view } from './token.js';

export interface SignatureTimestamp {
  /** Position among the signature's timestamp tokens, in attribute order. */
  index: number;
  /** The token's DER as embedded. */
  token: Uint8Array;
  check: TimestampCheck;
}

export interface SignatureTimestampOptions {
  /** Certificates to find the TSA's in when a token does not carry it (e.g. the DSS's). */
  certificates?: Uint8Array[];
}

/** The DER of every signature timestamp token of a SignerInfo, as embedded, in attribute order. */
export function signatureTimestampTokens(signerInfo: pkijs.SignerInfo): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const attr of signerInfo.unsignedAttrs?.attributes ?? []) {
    if (attr.type !== TSP_OID.signatureTimeStampToken) continue;
    for (const value of attr.values) {
      const original = (value as { valueBeforeDecodeView?: Uint8Array }).valueBeforeDecodeView;
      try {
        out.push(original && original.byteLength > 0 ? view(original).slice() : new Uint8Array(value.toBER(false)));
      } catch {
        out.push(new Uint8Array(0)); // unencodable: reported as TST_NOT_DER by the check
      }
    }
  }
  return out;
}

/** Verifies every signature timestamp of a signature (its parsed CMS facts, or the SignerInfo). Never throws. */
export async function checkSignatureTimestamps(
  signature: CmsFacts | pkijs.SignerInfo,
  options: SignatureTimestampOptions = {},
): Promise<SignatureTimestamp[]> {
  const signerInfo = 'signerInfo' in signature ? signature.signerInfo : signature;
  if (!signerInfo) return [];
  const value = view(signerInfo.signature.valueBlock.valueHexView);
  const tokens = signatureTimestampTokens(signerInfo);
  const out: SignatureTimestamp[] = [];
  for (const [index, token] of tokens.entries()) {
    out.push({
      index,
      token,
      check: await checkTimestampToken(token, { data: value, certificates: options.certificates }),
    });
  }
  return out;
}
