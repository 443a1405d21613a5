/**
 * A throwaway PKI made with openssl for the certificate tests: each certificate is named, issued by another one (or
 * self-signed) with the extensions the test writes, so a test can make exactly the unfit certificate it is about.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertSpec {
  name: string;
  /** openssl -subj form, e.g. /C=VN/O=Kyso/CN=Leaf. */
  subject: string;
  /** The name of the issuing certificate (made before); absent: self-signed. */
  issuer?: string;
  /** Extension lines (openssl x509v3 config), extra sections after a blank line. Key identifiers are added. */
  ext: string;
}

export interface OpensslPki {
  dir: string;
  pem(name: string): string;
  key(name: string): string;
  /** A PKCS#12 of `leaf` with its key and the `chain` certificates, password `password`. */
  p12(leaf: string, chain: string[]): Uint8Array;
  password: string;
  cleanup(): void;
}

export function opensslPki(specs: CertSpec[]): OpensslPki {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-openssl-pki-'));
  const f = (n: string) => join(dir, n);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe', timeout: 30_000 });
  let serial = 0x1000 + Math.floor(Math.random() * 0xffff);
  for (const spec of specs) {
    const [lines, ...sections] = spec.ext.split('\n\n');
    const aki = spec.issuer ? 'authorityKeyIdentifier = keyid\n' : '';
    writeFileSync(
      f(`${spec.name}.cnf`),
      `[ v3 ]\nsubjectKeyIdentifier = hash\n${aki}${lines}\n\n${sections.join('\n\n')}\n`,
    );
    openssl(
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f(`${spec.name}.key`),
      '-out',
      f(`${spec.name}.csr`),
      '-subj',
      spec.subject,
    );
    const signer = spec.issuer
      ? ['-CA', f(`${spec.issuer}.pem`), '-CAkey', f(`${spec.issuer}.key`)]
      : ['-signkey', f(`${spec.name}.key`)];
    openssl(
      'x509',
      '-req',
      '-in',
      f(`${spec.name}.csr`),
      ...signer,
      '-set_serial',
      String(serial++),
      '-days',
      '365',
      '-sha256',
      '-extfile',
      f(`${spec.name}.cnf`),
      '-extensions',
      'v3',
      '-out',
      f(`${spec.name}.pem`),
    );
  }
  const password = 'openssl-pki';
  return {
    dir,
    pem: (name) => readFileSync(f(`${name}.pem`), 'utf8'),
    key: (name) => readFileSync(f(`${name}.key`), 'utf8'),
    p12: (leaf, chain) => {
      writeFileSync(f('chain.pem'), chain.map((c) => readFileSync(f(`${c}.pem`), 'utf8')).join(''));
      const out = f(`${leaf}.p12`);
      openssl(
        'pkcs12',
        '-export',
        '-inkey',
        f(`${leaf}.key`),
        '-in',
        f(`${leaf}.pem`),
        ...(chain.length ? ['-certfile', f('chain.pem')] : []),
        '-out',
        out,
        '-passout',
        `pass:${password}`,
      );
      return new Uint8Array(readFileSync(out));
    },
    password,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const CA_EXT = 'basicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign';
export const LEAF_EXT = 'basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, nonRepudiation';
