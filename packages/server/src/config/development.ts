/**
 * The development setup: what the service runs on when it is given no configuration. It signs with the public
 * test certificates of test-certs/ (password kyso-test, not a secret) and accepts one API key made at start.
 * Never a production setup; the service says so loudly when it runs on it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { apiKeyHash, generateApiKey } from '../auth/api-keys.js';

/** The test PKI's password is public (test-certs/README.md); it is given to the key loader through this name. */
export const DEV_PASSWORD_ENV = 'KYSO_DEV_P12_PASSWORD';
export const DEV_PASSWORD = 'kyso-test';

/** test-certs/ of the repository this package sits in (src/config or dist/config, four levels down). */
export const TEST_CERTS_DIR = fileURLToPath(new URL('../../../../test-certs/', import.meta.url));

export interface DevelopmentSetup {
  config: Record<string, unknown>;
  /** The dev API key, to print once at start (unless the caller chose it with KYSO_DEV_API_KEY). */
  apiKey: string;
  apiKeyFromEnv: boolean;
}

export function developmentSetup(env: Record<string, string | undefined>): DevelopmentSetup {
  if (!existsSync(join(TEST_CERTS_DIR, 'signer.p12'))) {
    throw new Error(`the development setup needs the repository's test-certs/ (looked in ${TEST_CERTS_DIR})`);
  }
  const apiKeyFromEnv = !!env.KYSO_DEV_API_KEY;
  const apiKey = env.KYSO_DEV_API_KEY || generateApiKey();
  const password = { env: DEV_PASSWORD_ENV };
  return {
    apiKey,
    apiKeyFromEnv,
    config: {
      keys: {
        signer: { type: 'pkcs12', file: join(TEST_CERTS_DIR, 'signer.p12'), password },
        seal: { type: 'pkcs12', file: join(TEST_CERTS_DIR, 'seal.p12'), password },
      },
      apiKeys: [
        {
          id: 'dev',
          unit: 'Development',
          sha256: apiKeyHash(apiKey),
          aliases: ['signer', 'seal'],
          externalCertificates: true,
          scopes: ['register:read', 'journal:read'],
        },
      ],
      verification: { trustRoots: [join(TEST_CERTS_DIR, 'root-ca.pem')], online: false },
      // The test PKI's OCSP responder and CA server (what test-certs name) are this setup's own services.
      fetch: { allowHosts: ['127.0.0.1:39601', '127.0.0.1:39602'] },
      certification: {
        authorities: {
          Development: { name: 'Ủy ban nhân dân phường Kinh Bắc', sealKey: 'seal', location: 'Bắc Ninh' },
        },
      },
    },
  };
}
