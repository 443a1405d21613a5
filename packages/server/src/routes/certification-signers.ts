/** What a certification's two signers get from the configuration and the request: the RSA scheme, the seal image. */
import { readFileSync } from 'node:fs';
import { Pkcs12Signer, type Signer } from '@kyso/core';
import { ServiceError } from '../errors.js';

/**
 * The signer with the asked RSA scheme: a PKCS#12 key switches per request; a PKCS#11 key's scheme is fixed when it
 * is opened (keys.ALIAS.rsaScheme), so another one is refused rather than silently ignored. ECDSA keys stay ECDSA.
 */
export function withScheme(signer: Signer, scheme: 'rsa-pkcs1' | 'rsa-pss' | undefined, alias: string): Signer {
  const kind = signer.algorithm.scheme.kind;
  if (!scheme || kind === 'ecdsa' || kind === scheme) return signer;
  if (signer instanceof Pkcs12Signer) return signer.withRsaScheme(scheme);
  throw new ServiceError(
    'SERVICE_BAD_REQUEST',
    { key: alias, signatureScheme: scheme },
    `the key "${alias}" signs with ${kind}; its scheme is set in keys.${alias}.rsaScheme`,
  );
}

/** Seal images by path, read once (the configuration checked that the file exists). */
const sealImages = new Map<string, Uint8Array>();
export function sealImageOf(path: string | undefined): Uint8Array | undefined {
  if (!path) return undefined;
  let image = sealImages.get(path);
  if (!image) {
    image = new Uint8Array(readFileSync(path));
    sealImages.set(path, image);
  }
  return image;
}
