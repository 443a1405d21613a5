/**
 * What B-LT and B-LTA add after a new signature, in one place for `signPdf`/`signFile` and the service: the
 * signature's timestamp reserve, and the updates (DSS, then for B-LTA a document timestamp) that follow it.
 */
import { toSource, type ByteSource } from '@kyso/pdf';
import { estimateTokenBytes, TOKEN_MARGIN } from '../signing/doc-timestamp.js';
import type { TimestampProvider } from '../signing/finish.js';
import type { Level } from '../signing/options.js';
import type { HashAlgorithm } from '../signing/signer.js';
import { extendUpdates, type ExtendOptions } from './augment.js';
import { ChainedSource } from './chained-source.js';
import type { OnSigningWarning } from '../signing/warnings.js';

/** How B-LT and B-LTA gather and embed validation data. */
export type LtvSigningOptions = Pick<
  ExtendOptions,
  'policy' | 'extraCertificates' | 'fetch' | 'ocspUrlOverride' | 'crlUrlOverride' | 'docTimestampBytes' | 'hash'
>;

/** The levels that add validation data after the signature. */
export const isLtvLevel = (level: Level | undefined): level is 'B-LT' | 'B-LTA' =>
  level === 'B-LT' || level === 'B-LTA';

/** The signature timestamp's reserve at B-LT/B-LTA: the TSA's real token size, which the document timestamp needs anyway. */
export async function ltvTimestampBytes(timestamper: TimestampProvider, hash: HashAlgorithm): Promise<number> {
  return (await estimateTokenBytes(timestamper, hash)) + TOKEN_MARGIN;
}

/**
 * The updates that take the signature just made (`update`, to be appended to `input`) to B-LT or B-LTA: the DSS for
 * its chain and its timestamp's TSA chain, then for B-LTA a document timestamp. Neither is copied: the two are read
 * as one source. A revoked certificate in the chain refuses to sign unless the caller's policy says otherwise.
 */
export async function ltvUpdatesAfter(
  input: Uint8Array | ByteSource,
  update: Uint8Array,
  fieldName: string,
  options: {
    level: 'B-LT' | 'B-LTA';
    timestamper?: TimestampProvider;
    ltv?: LtvSigningOptions;
    onWarning?: OnSigningWarning;
  },
): Promise<Uint8Array[]> {
  const { updates } = await extendUpdates(new ChainedSource(toSource(input), [update]), {
    ...options.ltv,
    policy: { revoked: 'error', ...options.ltv?.policy },
    level: options.level,
    timestamper: options.timestamper,
    fields: [fieldName],
    onWarning: options.onWarning,
  });
  return updates;
}
