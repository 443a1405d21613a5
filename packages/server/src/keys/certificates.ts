/** Certificates as the service receives them: PEM or DER files, base64 DER in headers. */
import { readFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { parseCertificate, type HashAlgorithm, type SignerAlgorithm } from '@kyso/core';
import { ServiceError } from '../errors.js';

/** Every certificate in a PEM file, or the one DER certificate the file holds. */
export function readCertificates(path: string): Uint8Array[] {
  const bytes = readFileSync(path);
  const text = bytes.toString('latin1');
  if (!text.includes('-----BEGIN')) return [new Uint8Array(bytes)];
  const out: Uint8Array[] = [];
  for (const m of text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    out.push(new Uint8Array(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64')));
  }
  return out;
}

/** The signature algorithm a certificate's key implies: RSA PKCS#1 v1.5 or ECDSA on its curve. */
export function algorithmForCertificate(certificate: Uint8Array, hash?: HashAlgorithm): SignerAlgorithm {
  const info = parseCertificate(certificate);
  let key;
  try {
    key = createPublicKey({ key: Buffer.from(info.spki), format: 'der', type: 'spki' });
  } catch {
    throw new ServiceError('SERVICE_BAD_REQUEST', {}, "the certificate's public key cannot be read");
  }
  if (key.asymmetricKeyType === 'rsa') return { hash: hash ?? 'SHA-256', scheme: { kind: 'rsa-pkcs1' } };
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const namedCurve =
      curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : undefined;
    if (namedCurve) {
      const dflt = namedCurve === 'P-256' ? 'SHA-256' : namedCurve === 'P-384' ? 'SHA-384' : 'SHA-512';
      return { hash: hash ?? dflt, scheme: { kind: 'ecdsa', namedCurve } };
    }
  }
  throw new ServiceError(
    'SERVICE_BAD_REQUEST',
    {},
    'the certificate key type is not supported (RSA and ECDSA P-256/384/521 are)',
  );
}
