/** The test PKI's keys and certificates, loaded once per test file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pkcs12Signer } from '@kyso/core';
import { repoRoot } from './producers.js';

export const certsDir = join(repoRoot, 'test-certs');
export const PASSWORD = 'kyso-test';
export const p12 = (name: string): Uint8Array => new Uint8Array(readFileSync(join(certsDir, name)));
export const pem = (name: string): string => readFileSync(join(certsDir, name), 'utf8');
export const openSigner = (name = 'signer.p12', opts?: Parameters<typeof Pkcs12Signer.open>[2]): Pkcs12Signer =>
  Pkcs12Signer.open(p12(name), PASSWORD, opts);
