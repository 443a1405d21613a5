/** The whole e-copy in one call: assemble (scan, mark, statement), then the certifier's and the authority's signatures. */
import { assembleElectronicCopy } from './assemble.js';
import { signElectronicCopy } from './sign.js';
import type { ElectronicCopy, ElectronicCopyInput } from './types.js';

/**
 * Builds and signs an electronic copy. Returns the final bytes with their SHA-256 and the facts the register
 * records; throws a typed `KysoError` (`ECOPY_*`, or `SIGN_*` / `TSA_*` from signing) and returns nothing partial.
 */
export async function buildElectronicCopy(input: ElectronicCopyInput): Promise<ElectronicCopy> {
  const assembled = assembleElectronicCopy(input);
  return signElectronicCopy(assembled, input);
}
