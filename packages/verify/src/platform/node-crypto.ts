/**
 * Node's crypto module when this runs under Node (20.16 and later), else null: found at run time through
 * process.getBuiltinModule, so nothing in @kyso/verify imports a Node built-in and the browser bundle stays clean.
 * Under Node it hashes in pieces and checks signatures synchronously, without WebCrypto's set-up on first use
 * (a few milliseconds a process) and its round trip through the thread pool on every call.
 */

/** The slice of node:crypto used here (declared locally: the package is typed for the browser too). */
export interface NodeCrypto {
  createHash(name: string): { update(d: Uint8Array): unknown; digest(): Uint8Array };
  createPublicKey(key: { key: Uint8Array; format: 'der'; type: 'spki' }): NodeKey;
  verify(
    algorithm: string | null,
    data: Uint8Array,
    key: NodeKey | { key: NodeKey; padding?: number; saltLength?: number; dsaEncoding?: 'der' | 'ieee-p1363' },
    signature: Uint8Array,
  ): boolean;
  constants: { RSA_PKCS1_PSS_PADDING: number };
  /** Equal-length views only (it throws otherwise): a comparison in C. */
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
}

export interface NodeKey {
  asymmetricKeyType?: string;
  asymmetricKeyDetails?: { namedCurve?: string };
}

let found: NodeCrypto | null | undefined;

export function nodeCrypto(): NodeCrypto | null {
  if (found === undefined) {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    try {
      found = (proc?.getBuiltinModule?.('crypto') as NodeCrypto | undefined) ?? null;
    } catch {
      found = null;
    }
  }
  return found;
}
