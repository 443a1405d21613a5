/** PKCS#12's own key derivation (RFC 7292 Appendix B.2), with Node's hashes. */
import { createHash } from 'node:crypto';

/** The digests a .p12 is made with, by Node's name: their block and output lengths in bytes. */
export const PKCS12_DIGESTS: Readonly<Record<string, { block: number; bytes: number }>> = {
  sha1: { block: 64, bytes: 20 },
  sha256: { block: 64, bytes: 32 },
  sha384: { block: 128, bytes: 48 },
  sha512: { block: 128, bytes: 64 },
};

/**
 * RFC 7292 Appendix B.2 as node-forge computes it: the password as UTF-16BE code units and a 0 terminator (no
 * password: empty), ID byte `id` (1 key, 2 IV, 3 MAC), `iter` rounds of `digest`, the first `n` bytes.
 */
export function pkcs12Kdf(
  password: string | null | undefined,
  salt: Uint8Array,
  id: number,
  iter: number,
  n: number,
  digest: string,
): Uint8Array {
  const v = PKCS12_DIGESTS[digest]!.block;
  const pw = Buffer.alloc(password === null || password === undefined ? 0 : 2 * password.length + 2);
  for (let i = 0; password && i < password.length; i++) pw.writeUInt16BE(password.charCodeAt(i), 2 * i);
  const repeat = (src: Uint8Array): Buffer => {
    const out = Buffer.alloc(v * Math.ceil(src.length / v));
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length]!;
    return out;
  };
  let I = Buffer.concat([repeat(salt), repeat(pw)]);
  const D = Buffer.alloc(v, id);
  const out: Buffer[] = [];
  for (let got = 0; got < n; ) {
    let A = Buffer.concat([D, I]);
    for (let r = 0; r < iter; r++) A = createHash(digest).update(A).digest();
    const B = repeat(A).subarray(0, v);
    // I_j = (I_j + B + 1) mod 2^(8v), for each v-byte block of I
    const next = Buffer.alloc(I.length);
    for (let j = 0; j < I.length; j += v) {
      let x = 0x1ff;
      for (let l = v - 1; l >= 0; l--) {
        x = x >> 8;
        x += B[l]! + I[j + l]!;
        next[j + l] = x & 0xff;
      }
    }
    I = next;
    out.push(A);
    got += A.length;
  }
  return new Uint8Array(Buffer.concat(out).subarray(0, n));
}
