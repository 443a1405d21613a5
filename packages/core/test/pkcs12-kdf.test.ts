/**
 * The PKCS#12 key derivation (RFC 7292 B.2) done with Node's hashes gives node-forge's bytes, for every digest it is
 * used with, passwords with non-ASCII characters or none, empty and long salts, each ID byte, lengths across blocks.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type forgeModule from 'node-forge';
import { pkcs12Kdf } from '../src/signing/signers/pkcs12-kdf.js';

const require = createRequire(import.meta.url);
const forge = require('node-forge') as typeof forgeModule;
const forgeKdf = (
  forge.pki as unknown as { pbe: { generatePkcs12Key: (...a: unknown[]) => forgeModule.util.ByteStringBuffer } }
).pbe.generatePkcs12Key;

describe('pkcs12Kdf', () => {
  it('equals node-forge’s derivation', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ maxLength: 12, unit: fc.constantFrom('a', 'Z', '9', ' ', 'ệ', 'Đ', '中', '\u0000') }), {
          nil: undefined,
        }),
        fc.uint8Array({ maxLength: 20 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 70 }),
        fc.constantFrom('sha1', 'sha256', 'sha384', 'sha512'),
        (password, salt, id, iter, n, digest) => {
          const md = (forge.md as unknown as Record<string, { create(): unknown }>)[digest]!.create();
          const expected = forgeKdf(
            password,
            forge.util.createBuffer(Buffer.from(salt).toString('binary')),
            id,
            iter,
            n,
            md,
          ).bytes();
          expect(Buffer.from(pkcs12Kdf(password, salt, id, iter, n, digest)).toString('binary')).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
