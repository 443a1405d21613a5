/**
 * Random bytes from Node's generator when this runs under Node (20.16 and later, found through
 * process.getBuiltinModule, so the package imports no Node built-in and stays usable in a browser), else from
 * WebCrypto. Under Node, WebCrypto's getRandomValues makes Node evaluate all of its WebCrypto modules on first use
 * (~2 ms of a `kyso sign`). The PDF /ID and @kyso/verify's OCSP nonce draw from it.
 */
type Fill = (bytes: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer>;

let fill: Fill | undefined;

function nodeFill(): Fill | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    const crypto = proc?.getBuiltinModule?.('crypto') as { randomFillSync?: Fill } | undefined;
    // called through the module each time (not kept), as a call of globalThis.crypto's would be
    return typeof crypto?.randomFillSync === 'function' ? (bytes) => crypto.randomFillSync!(bytes) : undefined;
  } catch {
    return undefined;
  }
}

/** `n` cryptographically random bytes. */
export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  fill ??= nodeFill() ?? ((bytes) => globalThis.crypto.getRandomValues(bytes));
  return fill(new Uint8Array(n));
}
